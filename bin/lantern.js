#!/usr/bin/env node
// The `lantern` command. TypeScript runs through tsx's loader (no build step).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
