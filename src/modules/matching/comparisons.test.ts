import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  COMPARISONS,
  compareAddress,
  compareDob,
  compareFamily,
  compareGiven,
  comparePostcode,
  compareRecords,
} from './comparisons.ts';
import { cleanName, normalisePhone, normaliseRecord, parseDob, type RawRecord } from './normalise.ts';

const rec = (r: Partial<RawRecord>) => normaliseRecord({ id: 'x', ...r });
const level = (c: string, n: number) => COMPARISONS.find((x) => x.name === c)?.levels[n];

describe('matching: reading records', () => {
  it('reads dates in ISO, DD/MM/YYYY and YYYYMMDD, and blanks as unknown', () => {
    assert.deepEqual(parseDob('2010-03-12'), { y: 2010, m: 3, d: 12, yearOnly: false, digits: '20100312' });
    assert.equal(parseDob('12/03/2010')?.digits, '20100312');
    assert.equal(parseDob('20100312')?.digits, '20100312');
    assert.equal(parseDob(''), null);
    assert.equal(parseDob('2010-13-01'), null);
  });
  it('cleans names and splits a full name', () => {
    assert.equal(cleanName("  O'Brien-Smith "), 'obrien-smith');
    assert.equal(cleanName('Zoë'), 'zoe');
    const r = rec({ full_name: 'Jonathan James Smith' });
    assert.equal(r.given, 'jonathan');
    assert.equal(r.family, 'smith');
  });
});

describe('matching: comparison levels', () => {
  it('first names: exact, nickname, very similar, sounds alike, initial, different', () => {
    assert.equal(
      level('given', compareGiven(rec({ given_name: 'Jonathan' }), rec({ given_name: 'jonathan' }))),
      'exact',
    );
    assert.equal(
      level('given', compareGiven(rec({ given_name: 'Jon' }), rec({ given_name: 'Jonathan' }))),
      'nickname or alias',
    );
    assert.equal(
      level('given', compareGiven(rec({ given_name: 'Mo' }), rec({ given_name: 'Mohammed' }))),
      'nickname or alias',
    );
    assert.equal(
      level('given', compareGiven(rec({ given_name: 'Muhammad' }), rec({ given_name: 'Mohammed' }))),
      'nickname or alias',
    );
    assert.equal(
      level('given', compareGiven(rec({ given_name: 'Katherine' }), rec({ given_name: 'Katharine' }))),
      'very similar (Jaro-Winkler ≥ 0.92)',
    );
    assert.equal(
      level('given', compareGiven(rec({ given_name: 'J.' }), rec({ given_name: 'Jonathan' }))),
      'initial only agrees',
    );
    assert.equal(
      level('given', compareGiven(rec({ given_name: 'Amira' }), rec({ given_name: 'Keira' }))),
      'different',
    );
    assert.equal(level('given', compareGiven(rec({}), rec({ given_name: 'Keira' }))), 'unknown');
  });
  it('last names: exact, swapped, double-barrelled and alias, similar, sounds alike', () => {
    const swapA = rec({ given_name: 'Smith', family_name: 'John' });
    const swapB = rec({ given_name: 'John', family_name: 'Smith' });
    assert.equal(level('family', compareFamily(swapA, swapB)), 'swapped with first name');
    assert.equal(level('given', compareGiven(swapA, swapB)), 'swapped with last name');
    // Swapped, with a typo in one of the names; but one name alone in the other place is no swap.
    const typoSwap = rec({ given_name: 'Hannagan', family_name: 'Mikhayla' });
    const mikhayla = rec({ given_name: 'Mikhayla', family_name: 'Hannaan' });
    assert.equal(level('given', compareGiven(typoSwap, mikhayla)), 'swapped with last name');
    assert.equal(level('family', compareFamily(typoSwap, mikhayla)), 'swapped with first name');
    const ali = rec({ given_name: 'Ali', family_name: 'Khan' });
    const hussainAli = rec({ given_name: 'Hussain', family_name: 'Ali' });
    assert.equal(level('given', compareGiven(ali, hussainAli)), 'different');
    assert.equal(
      level('family', compareFamily(rec({ family_name: 'Khan-Hussain' }), rec({ family_name: 'Hussain' }))),
      'alias or one part of a double-barrelled name',
    );
    const withAlias = rec({ family_name: 'Brown', aliases: [{ family: 'Greenwood' }] });
    assert.equal(
      level('family', compareFamily(withAlias, rec({ family_name: 'Greenwood' }))),
      'alias or one part of a double-barrelled name',
    );
    assert.equal(
      level('family', compareFamily(rec({ family_name: 'Smith' }), rec({ family_name: 'Smyth' }))),
      'similar or sounds alike',
    );
    assert.equal(
      level('family', compareFamily(rec({ family_name: 'Hussain' }), rec({ family_name: 'Hussein' }))),
      'very similar (Jaro-Winkler ≥ 0.92)',
    );
  });
  it('dates of birth: exact, day/month swapped, a digit, year only, within a month, a year, ten years', () => {
    const d = (x: string, y: string, approximate = false) => {
      const a = rec({ dob: x });
      const b = rec({ dob: y });
      if (approximate && b.dob) b.dob.yearOnly = true;
      return level('dob', compareDob(a, b));
    };
    const digit = 'one digit different, or two next to each other swapped';
    assert.equal(d('2010-03-12', '12/03/2010'), 'exact');
    assert.equal(d('2010-03-12', '2010-12-03'), 'day and month swapped');
    assert.equal(d('2010-03-12', '2010-03-13'), digit);
    assert.equal(d('2010-03-12', '2010-03-21'), digit, "the day's digits swapped");
    assert.equal(d('2010-03-12', '2010-04-13'), 'within a year', 'two digits apart, not neighbours');
    assert.equal(d('2010-03-12', '2010-03-31'), 'within a month', 'two digits changed, not swapped');
    assert.equal(d('2010-03-12', '2010-07-01', true), 'same year (approximate date)');
    assert.equal(d('2010-03-12', '2009-07-01', true), 'within a year');
    assert.equal(d('2010-03-12', '2010-03-28'), 'within a month');
    assert.equal(d('2010-03-12', '2010-02-27'), 'within a month', 'across a month end');
    assert.equal(d('2010-03-12', '2011-03-12'), digit);
    assert.equal(d('2010-03-12', '2009-03-12'), 'within a year');
    assert.equal(d('2010-03-12', '2003-05-01'), 'within 10 years');
    assert.equal(d('2010-03-12', '1990-06-01'), 'different');
  });
  it('postcodes: full, sector, district, different, unknown', () => {
    const p = (x: string | null, y: string) =>
      level('postcode', comparePostcode(rec({ postcode: x }), rec({ postcode: y })));
    assert.equal(p('bd7 1ab', 'BD71AB'), 'same postcode');
    assert.equal(p('BD7 1AB', 'BD7 1XY'), 'same sector');
    assert.equal(p('BD7 1AB', 'BD7 4QQ'), 'same district');
    assert.equal(p('BD7', 'BD7 4QQ'), 'same district');
    assert.equal(p('BD7 1AB', 'LS29 8AA'), 'different');
    assert.equal(p(null, 'LS29 8AA'), 'unknown');
  });
});

describe('matching: titles, middle names and the fields agencies also hold', () => {
  const levelOf = (name: string, a: Partial<RawRecord>, b: Partial<RawRecord>) => {
    const c = COMPARISONS.findIndex((x) => x.name === name);
    return COMPARISONS[c].levels[compareRecords(rec(a), rec(b))[c]];
  };
  it('drops a title and compares a middle name as another name the person goes by', () => {
    assert.equal(rec({ given_name: 'Dr John Paul' }).given, 'john');
    assert.equal(rec({ full_name: 'Mrs Amira Hussain' }).given, 'amira');
    const comma = rec({ full_name: 'SMITH, John Paul' });
    assert.deepEqual([comma.given, comma.family], ['john', 'smith']);
    assert.equal(levelOf('given', { given_name: 'John Paul' }, { given_name: 'Paul' }), 'nickname or alias');
    assert.equal(levelOf('given', { given_name: 'John' }, { given_name: 'Paul' }), 'different');
  });
  it('emails: the same, the same mailbox elsewhere, a typo, the same domain, different', () => {
    const e = (x: string, y: string) => levelOf('email', { email: x }, { email: y });
    assert.equal(e('Jo.Smith@Example.com', 'jo.smith@example.com'), 'same');
    assert.equal(e('jo.smith@example.com', 'jo.smith@mail.co.uk'), 'same local part (before the @)');
    assert.equal(
      e('evied56@harris-bailey.net', 'evihd56@earris-bailey.net'),
      'very similar (Jaro-Winkler ≥ 0.88)',
    );
    assert.equal(e('a.khan@bradford.gov.uk', 'zoe.b@bradford.gov.uk'), 'same domain only');
    assert.equal(e('a@x.com', 'qqq@y.org'), 'different');
    assert.equal(levelOf('email', { email: 'a@x.com' }, {}), 'unknown');
  });
  it('phones: UK numbers however written, the last seven digits, different', () => {
    assert.equal(normalisePhone('+44 (0)7700 900123'), '07700900123');
    assert.equal(normalisePhone('0044 7700 900123'), '07700900123');
    assert.equal(normalisePhone('07700-900123'), '07700900123');
    assert.equal(normalisePhone('123'), null);
    const p = (x: string, y: string) => levelOf('phone', { phone: x }, { phone: y });
    assert.equal(p('+44 7700 900123', '07700 900123'), 'same');
    assert.equal(p('0113 496 0123', '0114 496 0123'), 'same last 7 digits');
    assert.equal(p('07700 900123', '07700 111222'), 'different');
  });
  it('towns and places of birth: the same, a typo, different; extra fields: the same, close, different', () => {
    assert.equal(levelOf('town', { town: 'Southend-on-Sea' }, { town: 'southend on sea' }), 'same');
    assert.equal(
      levelOf('town', { town: 'Portsmouth' }, { town: 'Portsmuoth' }),
      'very similar (Jaro-Winkler ≥ 0.88)',
    );
    assert.equal(levelOf('town', { town: 'Leeds' }, { town: 'Hull' }), 'different');
    assert.equal(levelOf('birth_place', { birth_place: 'Lahore' }, { birth_place: 'LAHORE' }), 'same');
    assert.equal(levelOf('extra1', { extras: ['Welder'] }, { extras: ['welder'] }), 'same');
    assert.equal(
      levelOf('extra1', { extras: ['carpenter'] }, { extras: ['carpentre'] }),
      'close (Jaro-Winkler ≥ 0.9)',
    );
    assert.equal(levelOf('extra2', { extras: [null, 'x'] }, { extras: [null, 'y'] }), 'different');
    // A town is not a name: "Lincoln" the town and "Lincoln" the surname are kept apart.
    assert.equal(levelOf('town', { town: 'Lincoln', family_name: 'Lincoln' }, { town: 'Lincoln' }), 'same');
  });
  it("addresses: a neighbour's house number is a different address", () => {
    const a = (x: string, y: string) =>
      COMPARISONS[8].levels[compareAddress(rec({ address: x }), rec({ address: y }))];
    assert.equal(a('12 Oak Street', '12 oak street'), 'same');
    assert.equal(a('12 Oak Street Bradford', '12 Oak St Bradford'), 'mostly the same');
    assert.equal(a('12 Oak Street Bradford', '14 Oak Street Bradford'), 'different');
  });
});
