/**
 * Vitest globalSetup of the e2e project: serves the built `dist/` on 127.0.0.1 (a free port) and provides
 * its URL to the tests as `inject('baseUrl')`. The tests assume `npm run build` ran first.
 */
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { serveStatic } from './staticServer';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const server = await serveStatic(resolve(import.meta.dirname, '../../dist'));
  project.provide('baseUrl', server.url);
  return async () => {
    await server.close();
  };
}
