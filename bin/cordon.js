#!/usr/bin/env node
// Entry point of the `cordon` command: TypeScript sources run through tsx's loader,
// so there is no build step between a clone and a running server.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
await main(process.argv);
