import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";

// Without vitest globals, @testing-library does not unmount between tests by itself.
afterEach(() => {
  cleanup();
  localStorage.clear();
  sessionStorage.clear();
});
