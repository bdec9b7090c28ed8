/**
 * An undici `Dispatcher` (an `Agent`, `Pool`, `ProxyAgent`, `MockAgent`…), typed by its shape: the options of every
 * runtime then type-check with neither undici's types nor Node's (a web app needs no `@types/node` for them).
 */
export interface DispatcherLike {
  dispatch(options: never, handler: never): boolean;
}
