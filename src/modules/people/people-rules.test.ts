import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../platform/errors.ts';
import {
  isValidNhsNumber,
  isValidUpn,
  nhsNumberFrom,
  normalisePostcode,
  upnCheckLetter,
} from './identifiers.ts';
import { formToPersonInput } from './routes.ts';
import { readPersonInput, readPersonSearch } from './schema.ts';

const fieldsOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ValidationError, `expected a ValidationError, got ${error}`);
    return error.errors.map((e) => e.field);
  }
  assert.fail('expected the input to be refused');
};

describe('NHS number', () => {
  it('accepts numbers whose modulus-11 check digit is right', () => {
    assert.equal(isValidNhsNumber('9434765919'), true);
    assert.equal(isValidNhsNumber('4010232137'), true);
  });
  it('refuses a wrong check digit, wrong length or letters', () => {
    assert.equal(isValidNhsNumber('9434765918'), false);
    assert.equal(isValidNhsNumber('943476591'), false);
    assert.equal(isValidNhsNumber('94347659A9'), false);
  });
  it('refuses nine digits whose check digit would be 10', () => {
    // 1234567890: sum 1*10+2*9+...+9*2 = 210, 210 % 11 = 1, 11 - 1 = 10 → no valid number.
    assert.equal(nhsNumberFrom('123456789'), undefined);
    assert.equal(isValidNhsNumber('1234567890'), false);
  });
  it('makes valid numbers from nine digits', () => {
    const made = nhsNumberFrom('943476591');
    assert.equal(made, '9434765919');
  });
});

describe('unique pupil number', () => {
  it('computes the check letter from positions 2 to 13', () => {
    const digits = '801200109001';
    const upn = `${upnCheckLetter(digits)}${digits}`;
    assert.equal(isValidUpn(upn), true);
    const wrong = upn[0] === 'A' ? 'B' : 'A';
    assert.equal(isValidUpn(`${wrong}${digits}`), false);
  });
  it('refuses the wrong shape', () => {
    assert.equal(isValidUpn('A80120010900'), false);
    assert.equal(isValidUpn('1801200109001'), false);
  });
});

describe('postcode', () => {
  it('normalises case and spacing', () => {
    assert.equal(normalisePostcode('bd71ab'), 'BD7 1AB');
    assert.equal(normalisePostcode(' BD13  3RT '), 'BD13 3RT');
    assert.equal(normalisePostcode('LS29 8AA'), 'LS29 8AA');
  });
  it('refuses what is not a postcode', () => {
    assert.equal(normalisePostcode('BD7'), undefined);
    assert.equal(normalisePostcode('12345'), undefined);
  });
});

describe('person input rules', () => {
  const valid = {
    givenName: 'Amira',
    familyName: 'Hussain',
    dobPrecision: 'exact',
    dateOfBirth: '2011-05-04',
    gender: 'female',
    postcode: 'bd7 1ab',
    nhsNumber: '943 476 5919',
  };

  it('cleans a valid person', () => {
    const input = readPersonInput(valid, []);
    assert.equal(input.postcode, 'BD7 1AB');
    assert.equal(input.nhsNumber, '9434765919');
    assert.equal(input.dateOfBirth, '2011-05-04');
  });

  it('names every field that is wrong, at once', () => {
    const fields = fieldsOf(() =>
      readPersonInput(
        {
          ...valid,
          givenName: ' ',
          dateOfBirth: '2011-02-30',
          postcode: 'nowhere',
          nhsNumber: '9434765918',
          upn: 'X1',
        },
        [],
      ),
    );
    assert.deepEqual(fields.sort(), ['dateOfBirth', 'givenName', 'nhsNumber', 'postcode', 'upn']);
  });

  it('refuses a date of birth in the future', () => {
    assert.deepEqual(
      fieldsOf(() => readPersonInput({ ...valid, dateOfBirth: '2999-01-01' }, [])),
      ['dateOfBirth'],
    );
  });

  it('allows an unknown date of birth and drops any date sent with it', () => {
    const input = readPersonInput({ ...valid, dobPrecision: 'unknown', dateOfBirth: '2011-05-04' }, []);
    assert.equal(input.dateOfBirth, null);
    assert.equal(input.dobPrecision, 'unknown');
  });

  it('refuses agencies that are not the partnership’s', () => {
    assert.deepEqual(
      fieldsOf(() => readPersonInput({ ...valid, agencyIds: ['nope'] }, ['a'])),
      ['agencyIds'],
    );
  });

  it('reads the form’s date parts and other names', () => {
    const raw = formToPersonInput({
      givenName: 'Jon',
      familyName: 'Smyth',
      dobPrecision: 'approximate',
      'dateOfBirth-year': '2010',
      aliasesText: 'Jonny Smith\nJS',
      gender: 'male',
    });
    assert.equal(raw.dateOfBirth, '2010-07-01');
    assert.deepEqual(raw.aliases, [
      { givenName: 'Jonny', familyName: 'Smith', kind: 'alias' },
      { givenName: null, familyName: 'JS', kind: 'alias' },
    ]);
  });

  it('needs at least one search criterion and a real date', () => {
    assert.deepEqual(
      fieldsOf(() => readPersonSearch({})),
      ['name'],
    );
    assert.deepEqual(
      fieldsOf(() => readPersonSearch({ dob: '2010-13-01' })),
      ['dob'],
    );
    assert.deepEqual(readPersonSearch({ postcode: 'bd7' }), {
      name: undefined,
      dob: undefined,
      postcode: undefined,
      outwardCode: 'BD7',
    });
  });
});
