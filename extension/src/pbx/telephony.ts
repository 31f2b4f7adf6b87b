import type { PhoneNumberType } from '../../../shared/schemas/phoneNumbers.js';
import type { PhoneAssignment } from '../../../shared/schemas/phones.js';
import type { PbxApi } from './api.js';
import { PbxError } from './restClient.js';

/** One of a user's numbers as the tree shows it. */
export interface UserNumber {
  id: number;
  number: string;
  type: PhoneNumberType;
  /** The user's primary internal or external number. */
  primary: boolean;
  /** The number the user's calls show (PhoneConfig.displayNumberId). */
  display: boolean;
}

/** A user's numbers and phones: what a Teams integrator checks before a user signs in (calls ring there). */
export interface UserTelephony {
  numbers: UserNumber[];
  phones: PhoneAssignment[];
}

/**
 * Reads a user's numbers and phones through the REST 6.7 operations a user may call for themselves (so it works
 * for a non-admin too). Any refusal of the PBX (a version without these operations, a user lacking a right, a
 * failure of the PBX) is null: the tree then leaves these nodes out instead of showing an error per user.
 */
export async function loadUserTelephony(api: PbxApi, userId: number): Promise<UserTelephony | null> {
  const params = { params: { userId } };
  try {
    const [phones, phoneConfig, numberConfig, assignments] = await Promise.all([
      api.client.call('listAssignedPhones', params),
      api.client.call('getPhoneConfig', params),
      api.client.call('getPhoneNumberConfig', params),
      api.client.call('listPhoneNumberAssignment', params),
    ]);
    // possibleSignalnumbers has each own number's details (and the user's groups' numbers, which are not theirs).
    const details = new Map(numberConfig.possibleSignalnumbers.map((n) => [n.id, n]));
    const primaries = new Set([numberConfig.primaryExternalNumberId, numberConfig.primaryInternalNumberId]);
    const numbers = assignments.flatMap((a): UserNumber[] => {
      const n = details.get(a.phoneNumberId);
      if (!n) return [];
      return [
        {
          id: n.id,
          number: n.number,
          type: n.type,
          primary: primaries.has(n.id),
          display: phoneConfig.displayNumberId === n.id,
        },
      ];
    });
    return { numbers, phones };
  } catch (err) {
    if (err instanceof PbxError && err.status !== undefined) return null;
    throw err;
  }
}
