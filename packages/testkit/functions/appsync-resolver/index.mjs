// An AppSync Lambda resolver: answers the GraphQL field named in event.field (or event.info.fieldName),
// using event.arguments. AppSync events shaped for Akto carry the HTTP request in event.akto_data; direct
// resolvers get AppSync's context as the event; a BatchInvoke sends an array and gets an array back.
const AUTHORS = {
  'u-1': { name: 'Ada', email: 'ada@example.com' },
  'u-2': { name: 'Grace', email: 'grace@example.com' },
};

function resolve(event) {
  const field = event?.field ?? event?.info?.fieldName;
  const args = event?.arguments ?? {};
  switch (field) {
    case 'getPost':
      return { id: args.id, title: 'First post', author: { name: 'Ada', email: 'ada@example.com' } };
    case 'createPost':
      return { id: '7d0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b', ...(args.input ?? {}) };
    case 'listPosts':
      return [{ id: '1', title: 'First post' }];
    case 'author':
      return AUTHORS[event?.source?.authorId] ?? null;
    case 'failPost':
      throw new Error(`post ${args.id} is locked`);
    default:
      return { field: field ?? null, path: event?.akto_data?.path ?? null };
  }
}

export const handler = async (event) => (Array.isArray(event) ? event.map(resolve) : resolve(event));
