import { expect, test } from "@playwright/test";
import { base32Decode, hotp } from "./support/totp";

// RFC 4226 appendix D / RFC 6238 appendix B (SHA-1, secret "12345678901234567890").
const RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

test("the suite's TOTP matches the RFC test vectors", () => {
  expect(base32Decode(RFC_SECRET).toString()).toBe("12345678901234567890");
  expect(hotp(RFC_SECRET, 0)).toBe("755224");
  expect(hotp(RFC_SECRET, 1)).toBe("287082"); // T = 59 s
  expect(hotp(RFC_SECRET, 37037036)).toBe("081804"); // T = 1111111109 s
  expect(hotp(RFC_SECRET, 666666666)).toBe("353130"); // T = 20000000000 s
});
