import { makeDirectory as runtimeMakeDirectory } from "#runtime";

/**
 * `mkdir -p`, level by level (Node; elsewhere an InputError): Node's recursive mkdir spins forever under `/proc`.
 * A wrapper, so the entry's type declarations name no `#runtime` import (node10 resolution cannot follow one).
 */
export function makeDirectory(directory: string): Promise<void> {
  return runtimeMakeDirectory(directory);
}
