/**
 * The doors of a server started as a child process, read from its start-up line
 * ("listening on HOST:PORT (line protocol), IRC on HOST:PORT, HTTP on HOST:PORT with …"), so every door
 * can listen on port 0. undefined for a door that is off.
 */
export interface DoorPorts {
  irc?: number;
  http?: number;
}

export function doorPorts(startupOutput: string): DoorPorts {
  const port = (door: string): number | undefined => {
    // The host may be IPv6: the port follows the last colon before the comma or the space.
    const match = new RegExp(`, ${door} on [^\\s,]+:(\\d+)[ ,]`).exec(startupOutput);
    return match === null ? undefined : Number(match[1]);
  };
  return { irc: port('IRC'), http: port('HTTP') };
}
