import { cleanup, configure } from "@testing-library/react";
import { afterEach } from "vitest";

// The one place for waits: react-admin renders slowly on a shared machine. `findBy*` and
// `waitFor` wait this long; each test may take `test.testTimeout` (vite.config.ts).
configure({ asyncUtilTimeout: 10_000 });

// Without vitest globals, @testing-library does not unmount between tests by itself.
afterEach(() => {
  cleanup();
  localStorage.clear();
  sessionStorage.clear();
});
