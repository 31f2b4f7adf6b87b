import { SIM_SERVICES } from '../../../shared/schemas/events.js';
import { invalid, notFound, SimError } from './errors.js';
import type { PbxState } from './model.js';
import type { Emit } from './pbx.js';
import { AVATAR_MAX_BYTES, type StoredAvatar } from './telephonyModel.js';
import { findUser } from './users.js';

/*
 * A user's avatar: the image bytes as a client PUT them, recognised by their magic bytes (the content type a
 * client sends is not trusted: browsers and the official clients send octet-stream as often as image/*).
 */

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];

const startsWith = (bytes: Uint8Array, magic: readonly number[]) =>
  bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);

/** The image's type, or a 400 naming what is wrong; a 413 when it exceeds AVATAR_MAX_BYTES. */
export function avatarType(bytes: Uint8Array): StoredAvatar['mimeType'] {
  if (bytes.length === 0)
    throw invalid('AVATAR_EMPTY', 'body: the avatar is empty; send the PNG or JPEG bytes', { field: 'body' });
  // 413 rather than 400: the image may be fine, only too large for the PBX; the limit is in the details.
  if (bytes.length > AVATAR_MAX_BYTES)
    throw new SimError(
      413,
      'AVATAR_TOO_LARGE',
      `body: the avatar has ${bytes.length} bytes, at most ${AVATAR_MAX_BYTES} are allowed`,
      {
        field: 'body',
        limit: AVATAR_MAX_BYTES,
        size: bytes.length,
      },
    );
  if (startsWith(bytes, PNG)) return 'image/png';
  if (startsWith(bytes, JPEG)) return 'image/jpeg';
  throw invalid('AVATAR_NOT_AN_IMAGE', 'body: the avatar is neither a PNG nor a JPEG image (by its first bytes)', {
    field: 'body',
  });
}

export function setAvatar(state: PbxState, emit: Emit, userId: number, bytes: Uint8Array): void {
  findUser(state, userId);
  const mimeType = avatarType(bytes);
  const avatar: StoredAvatar = { userId, mimeType, base64: Buffer.from(bytes).toString('base64') };
  const i = state.avatars.findIndex((a) => a.userId === userId);
  if (i >= 0) state.avatars[i] = avatar;
  else state.avatars.push(avatar);
  emit({ service: SIM_SERVICES.users, event: 'avatar-changed', data: { userId, mimeType, bytes: bytes.length } });
}

export function findAvatar(state: PbxState, userId: number): StoredAvatar {
  findUser(state, userId);
  const avatar = state.avatars.find((a) => a.userId === userId);
  if (!avatar) throw notFound('Avatar of user', userId);
  return avatar;
}

export function deleteAvatar(state: PbxState, emit: Emit, userId: number): void {
  findAvatar(state, userId);
  state.avatars = state.avatars.filter((a) => a.userId !== userId);
  emit({ service: SIM_SERVICES.users, event: 'avatar-deleted', data: { userId } });
}
