#!/usr/bin/env -S node --max-semi-space-size=128
// Entry point of the `cordon` command: TypeScript sources run through tsx's loader,
// so there is no build step between a clone and a running server.
// Semi-spaces of up to 128 MB (here and in the npm scripts): telemetry waiting for its batched write
// then dies young instead of being promoted and marked; measured in docs/PERFORMANCE.md.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
await main(process.argv);
