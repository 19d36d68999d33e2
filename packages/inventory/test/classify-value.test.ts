import { describe, expect, it } from 'vitest';
import { classifyValue, isCardNumber, isJwt, isSecretName, isVin } from '../src/index.js';

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkphbmUgRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const NOT_ALG_JWT = `${Buffer.from('{"typ":"JWT"}').toString('base64url')}.eyJzdWIiOiIxIn0.c2ln`;

// [value, textual (came from a header/query/path), expected type, sensitive in a request, sensitive in a response]
const TABLE: [unknown, boolean, string, string | null, string | null][] = [
  ['4111111111111111', false, 'CREDIT_CARD', 'CREDIT_CARD', 'CREDIT_CARD'],
  ['4111 1111 1111 1111', false, 'CREDIT_CARD', 'CREDIT_CARD', 'CREDIT_CARD'],
  ['4111-1111-1111-1111', true, 'CREDIT_CARD', 'CREDIT_CARD', 'CREDIT_CARD'],
  [4111111111111111, false, 'CREDIT_CARD', 'CREDIT_CARD', 'CREDIT_CARD'],
  ['378282246310005', false, 'CREDIT_CARD', 'CREDIT_CARD', 'CREDIT_CARD'], // Amex
  ['5555555555554444', false, 'CREDIT_CARD', 'CREDIT_CARD', 'CREDIT_CARD'], // Mastercard
  ['4111111111111112', true, 'INTEGER_64', null, null], // Luhn fails
  ['1234567812345670', true, 'INTEGER_64', null, null], // Luhn passes, no card brand
  ['+1 650 253 0000', false, 'PHONE_NUMBER', 'PHONE_NUMBER', 'PHONE_NUMBER'],
  ['+44 20 7946 0958', false, 'PHONE_NUMBER', 'PHONE_NUMBER', 'PHONE_NUMBER'],
  ['(650) 253-0000', false, 'PHONE_NUMBER', 'PHONE_NUMBER', 'PHONE_NUMBER'],
  ['650-253-0000', false, 'PHONE_NUMBER', 'PHONE_NUMBER', 'PHONE_NUMBER'],
  ['+1 000 000 0000', false, 'GENERIC', null, null], // not a valid number
  ['1234567', true, 'INTEGER_32', null, null], // bare digits are numbers
  [JWT, false, 'JWT', null, 'JWT'],
  [NOT_ALG_JWT, false, 'GENERIC', null, null], // header without `alg`
  ['123-45-6789', false, 'SSN', 'SSN', 'SSN'],
  ['000-12-3456', false, 'GENERIC', null, null], // area 000 is never issued
  ['jane@example.com', false, 'EMAIL', 'EMAIL', 'EMAIL'],
  ['not@an', false, 'GENERIC', null, null],
  ['192.168.1.1', true, 'IP_ADDRESS', null, 'IP_ADDRESS'],
  ['2001:db8::1', false, 'IP_ADDRESS', null, 'IP_ADDRESS'],
  ['::1', false, 'IP_ADDRESS', null, 'IP_ADDRESS'],
  ['fe80::1', false, 'IP_ADDRESS', null, 'IP_ADDRESS'],
  ['1.2.3', true, 'GENERIC', null, null],
  ['7d0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b', false, 'UUID', null, null],
  ['https://example.com/a?b=1', false, 'URL', null, null],
  ['1M8GDM9AXKP042788', false, 'VIN', 'VIN', 'VIN'],
  ['1M8GDM9AYKP042788', false, 'GENERIC', null, null], // wrong check digit
  ['42', true, 'INTEGER_32', null, null],
  ['-5', true, 'INTEGER_32', null, null],
  ['42', false, 'GENERIC', null, null], // a JSON string stays a string
  [42, false, 'INTEGER_32', null, null],
  [2147483647, false, 'INTEGER_32', null, null],
  [2147483648, false, 'INTEGER_64', null, null],
  [-2147483649, false, 'INTEGER_64', null, null],
  ['9007199254740993', true, 'INTEGER_64', null, null],
  ['3.14', true, 'FLOAT', null, null],
  [3.14, false, 'FLOAT', null, null],
  [null, false, 'NULL', null, null],
  [true, false, 'TRUE', null, null],
  [false, false, 'FALSE', null, null],
  ['true', true, 'TRUE', null, null],
  ['false', true, 'FALSE', null, null],
  ['2026-11-24T10:15:02Z', false, 'DATE_TIME', null, null],
  ['5f8d0d55b54764421b7156c9', false, 'OBJECT_ID', null, null],
  ['hello world', false, 'GENERIC', null, null],
  ['', false, 'GENERIC', null, null],
  [{}, false, 'OBJECT', null, null],
  [[], false, 'ARRAY', null, null],
];

describe('classifyValue', () => {
  it.each(TABLE)('%j (textual %s) → %s', (value, textual, type, inRequest, inResponse) => {
    expect(classifyValue(value, 'request', textual)).toEqual({ type, sensitive: inRequest });
    expect(classifyValue(value, 'response', textual)).toEqual({ type, sensitive: inResponse });
  });
});

describe('building blocks', () => {
  it.each([
    ['4111111111111111', true],
    ['4111111111111112', false],
    ['6011111111111117', true], // Discover
    ['3530111333300000', true], // JCB
    ['411111111111', false], // too short for Visa
  ])('isCardNumber(%s) = %s', (digits, expected) => {
    expect(isCardNumber(digits)).toBe(expected);
  });

  it('isJwt needs three base64url parts and a JSON header with alg', () => {
    expect(isJwt(JWT)).toBe(true);
    expect(isJwt(NOT_ALG_JWT)).toBe(false);
    expect(isJwt('eyJhbGciOiJIUzI1NiJ9.only-two')).toBe(false);
    expect(isJwt('abc.def.ghi')).toBe(false);
  });

  it('isVin checks the alphabet and the check digit', () => {
    expect(isVin('1M8GDM9AXKP042788')).toBe(true);
    expect(isVin('1M8GDM9AXKP04278O')).toBe(false); // O is not a VIN letter
    expect(isVin('11111111111111111')).toBe(false); // digits only
  });

  it.each([
    ['authorization', true],
    ['x-api-key', true],
    ['apikey', true],
    ['x-amz-security-token', true],
    ['user#password', true],
    ['client_secret', true],
    ['stripe-signature', true],
    ['content-type', false],
    ['user#name', false],
  ])('isSecretName(%s) = %s', (name, expected) => {
    expect(isSecretName(name)).toBe(expected);
  });
});
