import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ExtractError, parseFieldMap, readExtract } from './extract.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'lantern-extract-'));
const file = path.join(dir, 'a.csv');
writeFileSync(
  file,
  'id,first,last,no,street,town,job\n1,Jo,Smith,12,Oak Street,Leeds,Welder\n2,Amir,Khan,,Elm Road,,\n',
);

describe('matching: --map', () => {
  it('joins columns given with +, and a field named twice, into one value', () => {
    const map = parseFieldMap('given_name=first, address=no+street , address=town,extra:occupation=job');
    assert.deepEqual(map.fields.get('address'), ['no', 'street', 'town']);
    assert.deepEqual(map.extras, [{ name: 'occupation', columns: ['job'] }]);
    const [one, two] = readExtract(file, 'id', map);
    assert.equal(one.address, '12 Oak Street Leeds');
    assert.equal(two.address, 'Elm Road', 'blank parts are left out, not joined as spaces');
    assert.deepEqual(one.extras, ['Welder']);
    assert.deepEqual(two.extras, [null]);
  });
  it('refuses a bad map with a message that says what to change', () => {
    const refused = (spec: string, pattern: RegExp) =>
      assert.throws(
        () => readExtract(file, 'id', parseFieldMap(spec)),
        (e: Error) => {
          assert.ok(e instanceof ExtractError, e.message);
          assert.match(e.message, pattern);
          return true;
        },
      );
    refused('forename=first', /"forename", which is not a Lantern field\. Use: given_name, .*extra:NAME/);
    refused('given_name', /must look like field=column/);
    refused('address=no+', /empty column name/);
    refused('given_name=forename', /has no column "forename"\. Its columns are: id, first, last/);
    refused(
      'address=no+street+flat',
      /no column "flat", which --map joins into address \(no\+street\+flat\)/,
    );
    refused('extra:=job', /an extra field needs a name/);
    refused('extra:a=job,extra:b=job,extra:c=job,extra:d=job', /at most 3 extra fields/);
    refused('', /must map at least one field/);
  });
  it('names the row of a missing or repeated id, counting the header as row 1', () => {
    const write = (name: string, text: string) => {
      const f = path.join(dir, name);
      writeFileSync(f, text);
      return f;
    };
    const map = parseFieldMap('given_name=first');
    const message = (f: string) => {
      try {
        readExtract(f, 'id', map);
      } catch (e) {
        assert.ok(e instanceof ExtractError);
        return e.message;
      }
      return 'read';
    };
    assert.match(
      message(write('twice.csv', 'id,first\n1,Jo\n2,Al\n1,Bo\n')),
      /id "1" more than once \(row 4\)/,
    );
    assert.match(message(write('blank.csv', 'id,first\n1,Jo\n,Al\n')), /row 3 has no id/);
    assert.match(message(write('header.csv', 'id,first\n')), /has no rows/);
    // A column named twice is read from the later one; each record can be turned as it is read.
    const twice = write('columns.csv', 'id,first,first\n7, Ann ,Beth\n');
    assert.deepEqual(
      readExtract(twice, 'id', map, (r) => `${r.id}:${r.given_name}`),
      ['7:Beth'],
    );
  });
});
