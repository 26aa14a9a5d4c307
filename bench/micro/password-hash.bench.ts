// An account password hashed and checked with the default scrypt parameters (N=2^15, r=8, p=1): the time a
// /register or /identify waits, and how many hashes per second the machine can do at once (libuv's four
// threads on however many cores there are) — what an attacker without the attempt limits could make us spend.
import { hashPassword, verifyPassword } from '../../src/accounts/password-hash.ts';
import type { SuiteFactory } from './micro-suite.ts';

const open: SuiteFactory = async () => {
  const stored = await hashPassword('correct horse battery staple');
  return {
    concern: 'password hash',
    tasks: [
      { name: 'hash, one at a time', unit: 'hashes', unitsPerOp: 1, fn: () => hashPassword('correct horse battery staple') },
      { name: 'verify, one at a time', unit: 'checks', unitsPerOp: 1, fn: () => verifyPassword('correct horse battery staple', stored) },
      {
        name: 'verify, four at once',
        unit: 'checks',
        unitsPerOp: 4,
        baseline: 'verify, one at a time',
        fn: () => Promise.all(Array.from({ length: 4 }, () => verifyPassword('wrong', stored))),
      },
    ],
  };
};
export default open;
