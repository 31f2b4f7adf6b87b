import type { EndpointId } from '../../../../shared/api.js';
import type { TreeNode } from './pbxTreeModel.js';

/** The REST GET behind a tree node: the table's entry with the path parameters and query the node names. */
export interface RestResource {
  id: EndpointId;
  params?: Record<string, string | number>;
  query?: Record<string, string>;
}

/**
 * "Open in REST": which REST answer a tree node shows, so an integrator sees the data as their own client gets it
 * (every field, the real names) — the tree shows only what the Teams integration needs. A redirect is read on
 * behalf of its user when that is not the signed-in one (`onBehalfOf`). Nodes without a GET of their own
 * (a right, a log line, a key) have none; nor has the key file, which is a secret.
 */
export function restResourceOf(node: TreeNode, onBehalfOf?: string): RestResource | undefined {
  const { ref } = node;
  const kind = node.contextValue.split('.')[0];
  const user = ref.userId === undefined ? undefined : { userId: ref.userId };
  const behalf = onBehalfOf === undefined ? undefined : { actOnBehalfOf: onBehalfOf };
  switch (kind) {
    case 'connection':
      return { id: 'getOpenApi' };
    case 'users':
      return { id: 'getUsers' };
    case 'licences':
      return { id: 'getLicences' };
    case 'groups':
      return { id: 'getGroups' };
    case 'group':
      return ref.groupId === undefined ? undefined : { id: 'getGroup', params: { groupid: ref.groupId } };
    case 'teams':
      return { id: 'getConfigurations' };
    case 'configuration':
      return ref.configurationId === undefined
        ? undefined
        : { id: 'getConfiguration', params: { id: ref.configurationId } };
    case 'configLog':
      return ref.configurationId === undefined
        ? undefined
        : { id: 'getConfigurationLog', params: { id: ref.configurationId } };
  }
  if (!user) return undefined;
  switch (kind) {
    case 'user':
      return { id: 'getUser', params: user };
    case 'userRights':
      return { id: 'getUserPermissions', params: user };
    case 'userLicences':
      return { id: 'getUserLicences', params: user };
    case 'userPhoneNumbers':
      return { id: 'listPhoneNumberAssignment', params: user };
    case 'userPhoneNumber':
      return ref.phoneNumberId === undefined
        ? undefined
        : { id: 'getPhoneNumberAssignment', params: { ...user, phoneNumberId: ref.phoneNumberId } };
    case 'userPhones':
      return { id: 'listAssignedPhones', params: user };
    case 'userPhone':
      return ref.phoneId === undefined
        ? undefined
        : { id: 'getPhoneAssignment', params: { ...user, phoneId: ref.phoneId } };
    case 'redirects':
      return { id: 'getRedirects', ...(behalf ? { query: behalf } : {}) };
    case 'redirect':
      return ref.redirectId === undefined
        ? undefined
        : {
            id: 'redirectsRedirectIdGet',
            params: { redirectId: ref.redirectId },
            ...(behalf ? { query: behalf } : {}),
          };
  }
  return undefined;
}
