// The server's start path (`npm start` runs it). Plain JavaScript, so that any Node can read it: on an
// older Node, src/main.ts would fail on its first line of TypeScript without saying why. The project
// brings its own Node (the npm package "node", see package.json "engines"); `npm start` finds it first
// on its PATH, in node_modules/.bin.
const requiredMajor = 26;

if (Number(process.versions.node.split('.')[0]) < requiredMajor) {
  console.error(
    [
      `roomcast needs Node ${requiredMajor}; this is Node ${process.versions.node} (${process.execPath}).`,
      'The project brings its own Node as a dev dependency: run `npm ci` once, then `npm start -- [flags]`',
      '(or run it directly: node_modules/.bin/node src/main.ts [flags]).',
    ].join('\n'),
  );
  process.exit(1);
}

await import('./main.ts');
