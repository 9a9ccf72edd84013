/**
 * The slice of Tray Embedded's GraphQL schema that the fake serves. Section numbers refer to
 * /work/shared/reference/tray-embedded-api.md.
 *
 * - Query.users, UserSearchCriteria, ExternalUser, PageInfo, the *Input / *Payload types of the three
 *   mutations: the 2018 introspection schema (§8, §2.1, §2.2, §2.3). `isTestUser` and
 *   `CreateExternalUserInput.isTestUser` come from the newer users docs (§2.3, §2.4).
 * - Viewer.solutionInstances arguments: `criteria` (§8), `first/after` (§2.5, Tray's own nextjs app),
 *   `last/before` by analogy with `users` (Relay conventions, §2.5). `solutionId` in the criteria and
 *   `owner`, `authValues`, `configValues` on SolutionInstance: the current docs (§2.5, §6); AuthValueOutput
 *   and ConfigValueOutput mirror the AuthValue / ConfigValue inputs of §2.7. `totalCount`: §2.5.
 * - Viewer.authentications: §2.10 and §6. `first/after` and edge cursors are only in third-party code
 *   (§2.10), kept so the fake can paginate it. `customFields` is a scalar in the docs query, so Json.
 *   `service` / `serviceEnvironment` are left out: the fake holds no service data, and a document that
 *   asks for them fails validation rather than receiving invented values.
 * - Viewer.solutions and the instance-management mutations are left out: the reauth worker never
 *   sends them (§7).
 */
export const traySdl = /* GraphQL */ `
scalar DateTime
scalar Json

type Query {
  viewer: Viewer!
  users(criteria: UserSearchCriteria, first: Int, last: Int, before: String, after: String): UserConnection!
}

type Mutation {
  authorize(input: AuthorizeInput!): AuthorizePayload!
  generateAuthorizationCode(input: GenerateAuthorizationCodeInput!): GenerateAuthorizationCodePayload!
  createExternalUser(input: CreateExternalUserInput!): CreateExternalUserPayload!
}

type Viewer {
  solutionInstances(
    criteria: SolutionInstanceSearchCriteria
    first: Int
    after: String
    last: Int
    before: String
  ): SolutionInstanceConnection!
  authentications(first: Int, after: String): AuthenticationConnection!
}

type PageInfo {
  endCursor: String
  hasNextPage: Boolean!
  startCursor: String
  hasPreviousPage: Boolean!
}

input SolutionInstanceSearchCriteria {
  name: String
  owner: String
  solutionId: ID
}

type SolutionInstanceConnection {
  edges: [SolutionInstanceConnectionEdge!]!
  pageInfo: PageInfo!
  totalCount: Int
}

type SolutionInstanceConnectionEdge {
  node: SolutionInstance!
  cursor: String!
}

type SolutionInstance {
  id: ID!
  name: String!
  enabled: Boolean!
  owner: String!
  created: DateTime!
  authValues: [AuthValueOutput!]!
  configValues: [ConfigValueOutput!]!
}

type AuthValueOutput {
  externalId: String!
  authId: String!
}

type ConfigValueOutput {
  externalId: String!
  value: Json
}

type AuthenticationConnection {
  edges: [AuthenticationEdge!]!
  pageInfo: PageInfo!
  totalCount: Int
}

type AuthenticationEdge {
  node: Authentication!
  cursor: String!
}

type Authentication {
  id: ID!
  name: String!
  customFields: Json
}

input UserSearchCriteria {
  externalUserId: String
  name: String
  userId: String
  isTestUser: Boolean
}

type UserConnection {
  edges: [UserConnectionEdge!]!
  pageInfo: PageInfo!
  totalCount: Int
}

type UserConnectionEdge {
  node: ExternalUser!
  cursor: String!
}

type ExternalUser {
  id: ID!
  name: String!
  externalUserId: String
  isTestUser: Boolean
}

input AuthorizeInput {
  userId: ID!
  clientMutationId: String
}

type AuthorizePayload {
  accessToken: String!
  clientMutationId: String
}

input GenerateAuthorizationCodeInput {
  userId: ID!
  clientMutationId: String
}

type GenerateAuthorizationCodePayload {
  authorizationCode: String!
  clientMutationId: String
}

input CreateExternalUserInput {
  name: String!
  externalUserId: String!
  isTestUser: Boolean
  clientMutationId: String
}

type CreateExternalUserPayload {
  userId: ID!
  clientMutationId: String
}
`;
