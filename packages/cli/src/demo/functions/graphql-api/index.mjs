// Demo AppSync Lambda data source: answers the GraphQL field named in event.field with event.arguments.
// The request mapping template (Tapline's) also put the client request in event.akto_data for the extension.
// User.orders has a direct Lambda resolver (no template): its event is AppSync's context, with the field in
// event.info.fieldName and the user in event.source.
const USERS = {
  usr_1001: { id: 'usr_1001', name: 'Ada Lovelace', email: 'ada@example.com', phone: '+14155552671' },
  usr_1002: { id: 'usr_1002', name: 'Grace Hopper', email: 'grace@example.org', phone: '+442071838750' },
  usr_1003: { id: 'usr_1003', name: 'Alan Turing', email: 'alan@example.net', phone: null },
};

function order(id, customerEmail, status = 'PAID', items = [{ sku: 'SKU-CHAIR', quantity: 1 }]) {
  const lines = items.map((i) => ({ sku: i.sku, quantity: i.quantity, price: 49.5 }));
  return {
    id,
    status,
    customerEmail,
    total: Math.round(lines.reduce((sum, l) => sum + l.price * l.quantity, 0) * 100) / 100,
    items: lines,
    createdAt: '2026-03-14T09:26:53Z',
  };
}

export const handler = async (event) => {
  const args = event?.arguments ?? {};
  switch (event?.field ?? event?.info?.fieldName) {
    case 'getUser': {
      const user = USERS[args.id] ?? {
        id: args.id,
        name: 'Unknown User',
        email: 'unknown@example.com',
        phone: null,
      };
      // orders are resolved by User.orders' own (direct) resolver.
      return user;
    }
    case 'orders':
      return [order('ord_5001', event.source?.email ?? 'unknown@example.com')];
    case 'listOrders':
      return [
        order('ord_5001', args.customerEmail, args.status ?? 'PAID'),
        order('ord_5002', args.customerEmail, 'SHIPPED'),
      ].slice(0, args.limit ?? 10);
    case 'searchProducts':
      return [
        { sku: 'SKU-CHAIR', name: `Ergonomic ${args.term}`, price: 49.5 },
        { sku: 'SKU-DESK', name: `Standing ${args.term}`, price: 399 },
      ].filter((p) => args.maxPrice == null || p.price <= args.maxPrice);
    case 'createOrder': {
      const input = args.input ?? {};
      return order(
        `ord_${Math.floor(Math.random() * 9000) + 1000}`,
        input.customerEmail,
        'PENDING',
        input.items ?? [],
      );
    }
    case 'updateProfile':
      return {
        ...(USERS[args.id] ?? { id: args.id, name: 'New User', email: 'new@example.com', phone: null }),
        ...args.input,
      };
    case 'cancelOrder':
      return order(args.id, 'ada@example.com', 'CANCELLED');
    default:
      throw new Error(`no resolver for field ${event?.field}`);
  }
};
