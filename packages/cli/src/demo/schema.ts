/** The demo GraphQL API (as deployed on AppSync); every root field resolves through the Lambda data source. */
export const DEMO_SCHEMA = /* GraphQL */ `
  type Query {
    getUser(id: ID!): User
    listOrders(customerEmail: String!, status: OrderStatus, limit: Int): [Order!]!
    searchProducts(term: String!, maxPrice: Float): [Product!]!
  }

  type Mutation {
    createOrder(input: CreateOrderInput!): Order!
    updateProfile(id: ID!, input: ProfileInput!): User!
    cancelOrder(id: ID!, reason: String): Order!
  }

  type User {
    id: ID!
    name: String!
    email: String!
    phone: String
    orders: [Order!]
  }

  type Order {
    id: ID!
    status: OrderStatus!
    customerEmail: String!
    total: Float!
    items: [OrderItem!]!
    createdAt: String!
  }

  type OrderItem {
    sku: String!
    quantity: Int!
    price: Float!
  }

  type Product {
    sku: String!
    name: String!
    price: Float!
  }

  enum OrderStatus {
    PENDING
    PAID
    SHIPPED
    CANCELLED
  }

  input CreateOrderInput {
    customerEmail: String!
    cardNumber: String!
    items: [OrderItemInput!]!
    shippingAddress: AddressInput!
  }

  input OrderItemInput {
    sku: String!
    quantity: Int!
  }

  input AddressInput {
    line1: String!
    city: String!
    postcode: String!
    country: String!
  }

  input ProfileInput {
    name: String
    phone: String
    email: String
  }
`;
