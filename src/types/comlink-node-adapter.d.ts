// comlink ships types for its Node adapter beside the file but not under the .mjs name we import.
declare module 'comlink/dist/esm/node-adapter.mjs' {
  import type { Endpoint } from 'comlink';
  import type { NodeEndpoint } from 'comlink/dist/esm/node-adapter.js';
  export default function nodeEndpoint(endpoint: NodeEndpoint): Endpoint;
}
