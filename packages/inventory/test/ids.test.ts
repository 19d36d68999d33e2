import { describe, expect, it } from 'vitest';
import { collectionIdOf, endpointIdOf, parameterIdOf } from '../src/ids.js';

// Ids are stored (and linked to): a data directory written by any earlier version must keep matching.
describe('ids', () => {
  it('are the same SHA-1 prefixes as every earlier version derived', () => {
    const collection = collectionIdOf('api.example.com');
    const endpoint = endpointIdOf(collection, 'GET', '/users/INTEGER');
    expect(collection).toBe('6e1fef71f852');
    expect(endpoint).toBe('0a3728e19386fa47');
    expect(parameterIdOf(endpoint, 'request', null, 'query', 'page')).toBe('d2c82db36e66351a');
    expect(parameterIdOf(endpoint, 'response', 200, 'body', 'email')).toBe('875c6f7a7af50227');
  });
});
