// Documents as Tray's own code sends them (reference §2.1, §2.2, §2.5), with variables rather than
// string interpolation so no id can change the document.

export const AUTHORIZE = /* GraphQL */ `
  mutation Authorize($userId: ID!) {
    authorize(input: { userId: $userId }) { accessToken }
  }
`;

export const GENERATE_AUTHORIZATION_CODE = /* GraphQL */ `
  mutation GenerateAuthorizationCode($userId: ID!) {
    generateAuthorizationCode(input: { userId: $userId }) { authorizationCode }
  }
`;

/** With a user token Tray returns only that user's instances, so no owner criteria (master-only). */
export const LIST_SOLUTION_INSTANCES = /* GraphQL */ `
  query ListSolutionInstances($first: Int!, $after: String) {
    viewer {
      solutionInstances(first: $first, after: $after) {
        edges { node { id name enabled authValues { externalId authId } } cursor }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
`;

export interface AuthorizeResult {
  authorize: { accessToken: string };
}
export interface GenerateAuthorizationCodeResult {
  generateAuthorizationCode: { authorizationCode: string };
}
export interface SolutionInstanceNode {
  id: string;
  name: string;
  enabled: boolean;
  authValues: Array<{ externalId: string; authId: string }>;
}
export interface ListSolutionInstancesResult {
  viewer: {
    solutionInstances: {
      edges: Array<{ node: SolutionInstanceNode; cursor: string }>;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
  };
}
