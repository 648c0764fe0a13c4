// LineSplitter (src/core/lines.ts), what iterLines() cuts a streamed body with: whatever the chunking,
// the lines are those of the whole text split at once (requests' iter_lines, with \r\n as one break).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/core/lines.ts';
import { fuzz } from './fuzz-options.ts';

/** The lines of the whole text, as iterLines() gave them before issue 10: split once, a trailing empty part dropped. */
function model(text: string, delimiter: string | undefined): string[] {
  const parts = delimiter ? text.split(delimiter) : text.split(/\r?\n/);
  if (parts.at(-1) === '') parts.pop();
  return parts;
}

function split(pieces: string[], delimiter: string | undefined): string[] {
  const lines = new LineSplitter(delimiter);
  const out = pieces.flatMap((piece) => lines.push(piece));
  const rest = lines.rest();
  return rest ? [...out, rest] : out;
}

/** `text` cut at the given offsets. */
const cut = (text: string, at: number[]) => {
  const points = [...new Set(at.map((n) => n % (text.length + 1)))].sort((a, b) => a - b);
  return [0, ...points].map((start, i) => text.slice(start, points[i] ?? text.length));
};

describe('LineSplitter', () => {
  it('gives the lines of the whole text, however it arrives (property)', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '\r', '\n', ';', '|', 'é'), maxLength: 40 });
    const delimiter = fc.constantFrom(undefined, '', '\n', ';', '||', '\r\n', '|a|');
    fc.assert(fc.property(text, fc.array(fc.nat(), { maxLength: 8 }), delimiter, (t, at, d) => {
      expect(split(cut(t, at), d)).toEqual(model(t, d));
    }), fuzz(2000));
  });

  it('joins a \\r\\n split across two pieces into one break', () => {
    expect(split(['one\r', '\ntwo\r', '\n'], undefined)).toEqual(['one', 'two']);
  });

  it('finds a delimiter split across three pieces', () => {
    expect(split(['a|', 'b', '|cd'], '|b|')).toEqual(['a', 'cd']);
  });

  it('keeps a line that arrives one character at a time as one line', () => {
    expect(split([...'x'.repeat(1000), '\n', 'y'], undefined)).toEqual(['x'.repeat(1000), 'y']);
  });
});
