import { randomInt } from 'node:crypto';

/** A valid resident ID (GB 11643) born on `birth` (YYYYMMDD, default a random day of 1940–1999) that this test process has not issued. */
export function uniqueIdNumber(birth?: string): string {
  for (;;) {
    // Born 1940–1978 on day 1–28, sequence 000–999: thirteen million numbers (one birth year gave 336,000, and two test
    // files sharing the server's database drew the same number for different names: PERSON_NAME_DIFFERS). Not 1979–1998:
    // those are `randomIdNumber`'s (cases.factory.ts), which gives every default case's 张三 — thousands on the shared
    // database — and a number drawn here once came out as one of them (PERSON_NAME_DIFFERS, registered name 张三).
    const day = birth ?? `${randomInt(1940, 1979)}${String(randomInt(1, 13)).padStart(2, '0')}${String(randomInt(1, 29)).padStart(2, '0')}`;
    const id = idNumberOf(`410871${day}${String(randomInt(0, 1000)).padStart(3, '0')}`);
    if (!issued.has(id)) {
      issued.add(id);
      return id;
    }
  }
}
const issued = new Set<string>();

function idNumberOf(body: string): string {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((acc, d, i) => acc + Number(d) * w[i]!, 0);
  return body + '10X98765432'[sum % 11];
}

/** A mobile number the run has not used (optionally ending in `suffix`). */
export function uniquePhone(suffix?: string): string {
  const tail = suffix ?? String(randomInt(0, 10_000)).padStart(4, '0');
  return `15${String(randomInt(0, 100_000)).padStart(5, '0')}${tail}`.slice(0, 11 - tail.length) + tail;
}
