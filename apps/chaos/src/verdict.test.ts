import { describe, expect, it } from '@jest/globals';
import type { CapturedMail } from '@reauth/testkit';
import { explainDuplicates } from './chaos.js';

const mail = (id: string, sender: string, receivedAt: number) => ({ messageId: `<${id}@reauth>`, headers: new Map([['x-reauth-sender', sender]]), receivedAt }) as unknown as CapturedMail;

describe('chaos duplicates', () => {
  it('ties an extra copy to the SIGKILLed notify process that sent the earlier one, and flags any other', () => {
    const kills = [
      { role: 'notify', pid: 101, at: 0 },
      { role: 'token-lookup', pid: 202, at: 0 },
    ];
    const mails = [mail('a', 'host:101:ab', 10), mail('a', 'host:303:cd', 20), mail('b', 'host:202:ef', 30), mail('b', 'host:303:cd', 40), mail('c', 'host:303:cd', 50)];
    const { explained, unexplained, duplicates } = explainDuplicates(mails, ['a', 'b'], kills, 0);
    // a: its first copy's sender (pid 101) is a SIGKILLed notify process. b: pid 202 was killed, but it was no notify process.
    expect({ explained, unexplained }).toEqual({ explained: 1, unexplained: 1 });
    expect(duplicates.map((d) => [d.id, d.killedSender])).toEqual([
      ['a', 101],
      ['b', undefined],
    ]);
  });
});
