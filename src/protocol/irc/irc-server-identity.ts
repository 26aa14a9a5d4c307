// Who the IRC door says it is and how it names users. Nicks cannot contain '.', so a server name with a
// dot can never be taken for a user (a user called "roomcast" can exist).
export const ircServerName = 'irc.roomcast';
export const ircNetworkName = 'roomcast';
/** Every user's host: roomcast shows nobody's address, and a client needs some host in `nick!user@host`. */
export const ircUserHost = 'roomcast';

/** `nick!nick@roomcast`: roomcast has no usernames apart from nicks, and the USER a client sent is not shown. */
export function userSource(nick: string): string {
  return `${nick}!${nick}@${ircUserHost}`;
}

/** `#dev` for the room `dev`: every room is a channel of the one channel type. */
export function channelName(room: string): string {
  return `#${room}`;
}
