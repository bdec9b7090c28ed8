import { afterEach, describe, expect, it, vi } from "vitest";
import { createOfauthClient, InputError } from "../src/index.js";

const credentials = { apiKey: "sk_secret_key", connectionId: "conn_1", baseUrl: "https://api.ofauth.com" };

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("createOfauthClient keeps the account secret out of web pages", () => {
  it("refuses in a web page, naming the risk and what to do, without the key in the message", () => {
    vi.stubGlobal("window", {});
    vi.stubGlobal("document", {});
    const error = (() => {
      try {
        createOfauthClient(credentials);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ code: "INPUT_BROWSER_SECRET" });
    expect((error as Error).message).toMatch(/account secret.*server.*dangerouslyAllowBrowser: true/);
    expect((error as Error).message).not.toContain(credentials.apiKey);
  });

  it("refuses in a Web Worker (its global scope is a WorkerGlobalScope)", () => {
    class WorkerGlobalScope {
      static [Symbol.hasInstance](value: unknown) {
        return value === globalThis;
      }
    }
    vi.stubGlobal("WorkerGlobalScope", WorkerGlobalScope);
    expect(() => createOfauthClient(credentials)).toThrow(InputError);
  });

  it("runs there with dangerouslyAllowBrowser: true, and on servers without it", () => {
    expect(createOfauthClient(credentials).uploadMedia).toBeTypeOf("function");
    vi.stubGlobal("window", {});
    vi.stubGlobal("document", {});
    expect(createOfauthClient({ ...credentials, dangerouslyAllowBrowser: true }).uploadMedia).toBeTypeOf("function");
  });
});
