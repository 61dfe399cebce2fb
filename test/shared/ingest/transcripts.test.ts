import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Conversation, IngestItem } from '../../../src/shared/ingest/types';
import { conversations, feedbacks, jsonl, parseAll, rejections } from './helpers';

const fixture = (name: string) => readFileSync(join(__dirname, '..', '..', 'fixtures', 'formats', name));
const said = (c: Conversation) => c.turns.map((t) => `${t.role}: ${t.content}`);
const reasons = (items: IngestItem[]) => items.map((i) => (i.type === 'rejected' ? i.rejection.reason : i.type));

describe('chat transcripts kept as one text field', () => {
  test('Salesforce LiveChatTranscript export: HTML Body, Chat Started + ( 1m 2s ) offsets, header lines are events, the "Agent" header names the agent', async () => {
    const items = await parseAll(fixture('salesforce_livechat.csv'), {}, 64);
    expect(reasons(items)).toEqual(['conversation', 'conversation']);
    const [parcel, shoes] = conversations(items);
    expect(parcel.conversationId).toBe('5704x000001AbCdAAK');
    expect(said(parcel)).toEqual([
      'user: Hi, my parcel for order 48213 was marked delivered yesterday but it is not here.',
      "assistant: I'm sorry to hear that, Maria. I have opened a trace with the carrier.",
      'user: Thanks. Note: the side gate is usually locked, so they may have left it with a neighbour.',
      'assistant: Good to know & I added that to the trace. You will get an e-mail within 48 hours.',
    ]);
    expect(parcel.turns.map((t) => t.timestamp)).toEqual([
      '2026-03-02T09:14:10.000Z',
      '2026-03-02T09:14:43.000Z',
      '2026-03-02T09:15:07.000Z',
      '2026-03-02T09:15:45.000Z',
    ]);
    // "(+0100)": the chat started at 10:02:44 UTC.
    expect(shoes.turns[0]).toMatchObject({ role: 'user', timestamp: '2026-03-02T10:02:47.000Z' });
    expect(said(shoes).at(-1)).toBe('user: done, thank you');
    expect(JSON.stringify(conversations(items).map((c) => c.turns))).not.toMatch(/Chat Origin|Chat ended|left the chat|Agent Tom Becker/);
    expect(parcel.source.line).toBe(2);
  });

  test('CSV with quoted multi-line transcripts: time prefixes, continuation lines, a false "Note:" speaker, and a line nobody said', async () => {
    const items = await parseAll(fixture('transcripts.csv'), {}, 64);
    expect(reasons(items)).toEqual(['conversation', 'conversation', 'conversation', 'unknown-speaker']);
    const [invoice, plan, reset] = conversations(items);
    // Entries carry [hh:mm]: the unstamped "Note:" line continues the customer's message.
    expect(said(invoice)).toEqual([
      'user: Hello, I was charged twice for my March invoice.',
      'assistant: Sorry about that! Can you give me the invoice number?',
      'user: It is INV-2291.\nNote: the second charge is still pending on my card.',
      'assistant: I have voided the pending charge, so it will drop off your statement in 1-3 days.',
    ]);
    expect(invoice).toMatchObject({ conversationId: 'bi-7001', issueType: 'billing', csat: 5 });
    // Clock times on the date of started_at.
    expect(invoice.turns.map((t) => t.timestamp)).toEqual([
      '2026-03-02T09:02:00.000Z',
      '2026-03-02T09:03:00.000Z',
      '2026-03-02T09:03:00.000Z',
      '2026-03-02T09:05:00.000Z',
    ]);
    // "Kim" next to "Bot" is the customer (two-party rule); a message over two lines stays one.
    expect(said(plan)[2]).toBe('user: great\nand can I switch from monthly without losing my data?');
    expect(plan.turns[1].timestamp).toBe('2026-03-03T10:15:52.000Z');
    // No time prefixes and no date: no timestamps, and "Note" (said once, inside a message) is text.
    expect(said(reset)).toEqual([
      'user: my password reset link says it expired\nNote: I use the app, not the website',
      'assistant: Links are valid for 30 minutes. I have sent you a new one just now.',
      'user: got it, thanks',
    ]);
    expect(reset.turns.every((t) => t.timestamp === undefined)).toBe(true);
    const [unattributed] = rejections(items);
    expect(unattributed).toMatchObject({ file: 'input.file', line: 16 });
    expect(unattributed.detail).toMatch(/^line 1 of the transcript \("Hello\?\? anyone there"\) names no speaker/);
    expect(conversations(items).map((c) => c.source.line)).toEqual([2, 7, 12]);
  });

  test('JSON lines: dated prefixes, tags and rating, the agent opening the chat, two unplaceable names quarantined, a transcript that is not text', async () => {
    const items = await parseAll(fixture('transcripts.jsonl'), {}, 64);
    expect(reasons(items)).toEqual(['conversation', 'conversation', 'unknown-speaker', 'invalid-field:transcript']);
    const [jacket, address] = conversations(items);
    expect(jacket).toMatchObject({ conversationId: 'zc-301', issueType: 'returns', csat: 4 });
    expect(jacket.turns[3].timestamp).toBe('2026-03-04T14:21:30.000Z');
    // "Agent Jonas" opens; Peter is the other party; "Reference:" is part of Peter's message.
    expect(said(address)).toEqual([
      'assistant: Hi, thanks for waiting. How can I help?',
      'user: my delivery address is wrong, it says Hauptstrasse 5 but it should be 15\nReference: order 77140',
      'assistant: Thanks Peter, I have corrected the address to Hauptstrasse 15. The parcel has not left the warehouse yet.',
    ]);
    expect(address.issueType).toBe('delivery');
    const [unknown, notText] = rejections(items);
    expect(unknown).toMatchObject({ line: 3 });
    expect(unknown.detail).toMatch(/^speaker "Kim" \(line 1 of the transcript\) is not a known role/);
    expect(notText).toMatchObject({ line: 4, detail: '"transcript" must be the chat as text, got 42' });
  });

  test('TUNELOOP_SPEAKER_ROLES places names the words cannot', async () => {
    const items = await parseAll(fixture('transcripts.jsonl'), { speakerRoles: { Kim: 'user', Maria: 'assistant' } }, 64);
    const shop = conversations(items).find((c) => c.conversationId === 'zc-303');
    expect(shop && said(shop)).toEqual([
      'user: is the store in Leeds open on Sunday?',
      'assistant: yes, from 10 am to 4 pm',
      'user: thanks!',
    ]);
  });

  test('a "Word:" prefix that recurs in turns of its own is a third speaker: quarantined naming it, never merged silently', async () => {
    const transcript = [
      'Maria Keller: my order 48213 has not arrived',
      'Note: it was due on Monday',
      'Agent Tom: I am checking with the carrier now.',
      'Maria Keller: thanks',
      'Note: I am at home all day',
    ].join('\n');
    const items = await parseAll(jsonl({ id: 'c-1', transcript }));
    expect(rejections(items)).toMatchObject([{ reason: 'unknown-speaker' }]);
    expect(rejections(items)[0].detail).toMatch(
      /^speakers "Maria Keller" \(line 1 of the transcript\), "Note" \(line 2 of the transcript\) are not known roles/,
    );
    // Said once, or twice within one message, it stays text.
    const once = await parseAll(jsonl({ id: 'c-2', transcript: transcript.split('\n').slice(0, 4).join('\n') }));
    expect(said(conversations(once)[0])[0]).toBe('user: my order 48213 has not arrived\nNote: it was due on Monday');
    const twiceInOne = await parseAll(
      jsonl({ id: 'c-3', transcript: `${transcript.split('\n').slice(0, 2).join('\n')}\nNote: gate code 4411\nAgent Tom: ok` }),
    );
    expect(said(conversations(twiceInOne)[0])[0]).toBe(
      'user: my order 48213 has not arrived\nNote: it was due on Monday\nNote: gate code 4411',
    );
  });

  test('events of known shapes only: presence lines are dropped, a customer line that merely mentions the chat is kept', async () => {
    const transcript = [
      'Agent Tom accepted the chat',
      'Agent Tom: Hello, how can I help?',
      'Maria Keller joined the chat',
      'Maria Keller: I left the chat open yesterday and lost my basket',
      'I left the chat',
      'Agent Tom: I restored your basket.',
      'Visitor left the chat',
    ].join('<br>');
    const [c] = conversations(await parseAll(jsonl({ chat_id: 'c-9', chat_transcript: transcript })));
    expect(c.conversationId).toBe('c-9');
    expect(said(c)).toEqual([
      'assistant: Hello, how can I help?',
      'user: I left the chat open yesterday and lost my basket\nI left the chat',
      'assistant: I restored your basket.',
    ]);
  });

  test('a long line that nearly has an event shape is read in linear time', async () => {
    const nearEvent = `Chat ended${' by x'.repeat(40)}:`;
    const nearStart = `Chat Started: Monday, March 02, 2026, 09:14:05${' '.repeat(200_000)}x`;
    const started = Date.now();
    const items = await parseAll(jsonl({ id: 'l-1', transcript: `Customer: hi\n${nearEvent}\n${nearStart}\nAgent: hello` }), {}, 65536);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(said(conversations(items)[0])[0]).toBe(`user: hi\n${nearEvent}`);
  });

  test('clock times: kept only with a date, across midnight, and left out without one', async () => {
    const late = '[23:58] Customer: is the sale still on?\n[00:01] Agent Sam: It ended at midnight, sorry.';
    const items = await parseAll(
      jsonl({ id: 'n-1', created_at: '2026-03-06T23:57:00Z', transcript: late }, { id: 'n-2', transcript: late }),
    );
    const [dated, undated] = conversations(items);
    expect(dated.turns.map((t) => t.timestamp)).toEqual(['2026-03-06T23:58:00.000Z', '2026-03-07T00:01:00.000Z']);
    expect(undated.turns.map((t) => t.timestamp)).toEqual([undefined, undefined]);
  });

  test('detection: a rated export is chats, not ratings; "conversation"/"chat" text counts only in a transcript shape; a JSON document of them', async () => {
    const rated = await parseAll(jsonl({ conversation_id: 'r-1', rating: 5, transcript: 'Customer: hi\nAgent: hello' }));
    expect(feedbacks(rated)).toEqual([]);
    expect(conversations(rated)[0]).toMatchObject({ conversationId: 'r-1', csat: 5 });
    const ratedCsv = await parseAll('conversation_id,transcript,rating\nr-2,"Customer: hi\nAgent: hello",2\n');
    expect(conversations(ratedCsv)[0]).toMatchObject({ conversationId: 'r-2', csat: 2 });

    const document = JSON.stringify(
      { chats: [{ chat_id: 'd-1', conversation: 'Visitor: is shipping free?\nOperator: Yes, over 50 euros.' }] },
      null,
      2,
    );
    expect(said(conversations(await parseAll(document))[0])).toEqual(['user: is shipping free?', 'assistant: Yes, over 50 euros.']);
    const csv = await parseAll('id,chat,category\nk-1,"Visitor: is shipping free?\nOperator: Yes, over 50 euros.",shipping\n', {}, 16);
    expect(conversations(csv)[0]).toMatchObject({ conversationId: 'k-1', issueType: 'shipping' });

    // A "chat" that is a channel name, a "body" that is no Salesforce transcript: not transcripts.
    expect(reasons(await parseAll(jsonl({ id: 1, chat: 'web widget' })))).toEqual(['unknown-format']);
    expect(reasons(await parseAll('id,body\n1,"Customer: hi\nAgent: hello"\n'))).toEqual(['unknown-format']);
  });

  describe('numeric dates in time prefixes: day and month order decided by the whole transcript', () => {
    const times = async (transcript: string) => {
      const items = await parseAll(jsonl({ id: 'd-1', transcript }));
      expect(reasons(items)).toEqual(['conversation']);
      return conversations(items)[0].turns.map((t) => t.timestamp);
    };

    test('a first number over 12 is day first, and dots are day first', async () => {
      expect(await times('[14/03/2026 09:14] Anna: hello\n[14/03/2026 09:15] Agent Tom: Hi Anna, how can I help?')).toEqual([
        '2026-03-14T09:14:00.000Z',
        '2026-03-14T09:15:00.000Z',
      ]);
      expect(await times('[02.03.2026 09:14] Anna: hello\n[02.03.2026 09:15:30] Agent Tom: Hi Anna')).toEqual([
        '2026-03-02T09:14:00.000Z',
        '2026-03-02T09:15:30.000Z',
      ]);
      // WhatsApp's shapes: a comma after the date, bracketed, or bare with a dash.
      expect(await times('[02.03.26, 09:14:05] Anna: hello\n[02.03.26, 09:15:00] Agent Tom: Hi')).toEqual([
        '2026-03-02T09:14:05.000Z',
        '2026-03-02T09:15:00.000Z',
      ]);
      expect(await times('02/03/2026, 09:14 - Anna: hello\n14/03/2026, 09:15 - Agent Tom: Hi')).toEqual([
        '2026-03-02T09:14:00.000Z',
        '2026-03-14T09:15:00.000Z',
      ]);
    });

    test('one unambiguous line settles the others: 12/03 before 13/03 is 12 March, not 3 December', async () => {
      // Read line by line, the first date would be December 3rd and the reply 100 days later.
      expect(
        await times('[12/03/2026 23:58] Customer: is the sale still on?\n[13/03/2026 00:01] Agent Sam: It ended at midnight.'),
      ).toEqual(['2026-03-12T23:58:00.000Z', '2026-03-13T00:01:00.000Z']);
    });

    test('month first (US) stays readable, and settles ambiguous lines the other way', async () => {
      expect(await times('[03/12/2026 11:58 PM] Customer: is the sale still on?\n[03/13/2026 12:01 AM] Agent Sam: It ended.')).toEqual([
        '2026-03-12T23:58:00.000Z',
        '2026-03-13T00:01:00.000Z',
      ]);
    });

    test('every date reads either way: month first, as parseTimestamp reads such a file, with a warning naming the file', async () => {
      expect(await times('[02/03/2026 09:14] Anna: hello\n[02/03/2026 09:15] Agent Tom: Hi')).toEqual([
        '2026-02-03T09:14:00.000Z',
        '2026-02-03T09:15:00.000Z',
      ]);
      const items = await parseAll(
        jsonl(
          { id: 'a-1', transcript: '[02/03/2026 09:14] Anna: hello\n[02/03/2026 09:15] Agent Tom: Hi' },
          { id: 'a-2', transcript: '[02/03/2026 09:14] Anna: hello\n[14/03/2026 09:15] Agent Tom: Hi' },
          { id: 'a-3', transcript: '[2026-03-02 09:14] Anna: hello\n[09:15] Agent Tom: Hi' },
        ),
      );
      const [assumed, settled, iso] = conversations(items);
      expect(assumed.notices).toEqual([
        expect.stringMatching(/^input\.file: chat transcripts whose every date reads either way .* month first/),
      ]);
      expect([settled.notices, iso.notices]).toEqual([undefined, undefined]);
    });

    test('a transcript writing dates in both orders is quarantined, naming both lines', async () => {
      const transcript = '[13/03/2026 09:14] Anna: hello\n[03/13/2026 09:15] Agent Tom: Hi\n[13/03/2026 09:16] Anna: thanks';
      const items = await parseAll(jsonl({ id: 'd-2', transcript }));
      expect(rejections(items)).toMatchObject([{ reason: 'invalid-field:transcript', line: 1 }]);
      expect(rejections(items)[0].detail).toMatch(
        /^line 1 of the transcript \("\[13\/03\/2026 09:14\] Anna: hello"\) writes its date with the day first, line 2 \("\[03\/13\/2026 09:15\] Agent Tom: Hi"\) with the month first/,
      );
    });

    describe('dashed dates (02-03-2026) are read as slashed ones, ISO (2026-03-02) stays year first', () => {
      test('the order is decided per transcript: day first, month first, unpadded, two-digit years', async () => {
        expect(await times('02-03-2026 10:15 Anna: hello\n14-03-2026 10:16 Agent Tom: Hi Anna')).toEqual([
          '2026-03-02T10:15:00.000Z',
          '2026-03-14T10:16:00.000Z',
        ]);
        expect(await times('[2-3-2026 09:14] Anna: hello\n[3-14-2026 09:15 PM] Agent Tom: Hi')).toEqual([
          '2026-02-03T09:14:00.000Z',
          '2026-03-14T21:15:00.000Z',
        ]);
        expect(await times('12-03-26, 23:58 - Customer: is the sale still on?\n13-03-26, 00:01 - Agent Sam: It ended.')).toEqual([
          '2026-03-12T23:58:00.000Z',
          '2026-03-13T00:01:00.000Z',
        ]);
        // Dashes and slashes in one chat are one decision: the slashed line settles the dashed one.
        expect(await times('[02-03-2026 09:14] Anna: hello\n[14/03/2026 09:15] Agent Tom: Hi')).toEqual([
          '2026-03-02T09:14:00.000Z',
          '2026-03-14T09:15:00.000Z',
        ]);
      });

      test('ISO dates are still year first and settle nothing; all-ambiguous dashed dates are month first with the warning', async () => {
        expect(await times('2026-03-02 09:14 Anna: hello\n[2026-03-13 09:15] Agent Tom: Hi')).toEqual([
          '2026-03-02T09:14:00.000Z',
          '2026-03-13T09:15:00.000Z',
        ]);
        const items = await parseAll(
          jsonl(
            { id: 'e-1', transcript: '[02-03-2026 09:14] Anna: hello\n[2026-03-02 09:15] Agent Tom: Hi' },
            { id: 'e-2', transcript: '[2026-03-02 09:14] Anna: hello\n[2026-03-02 09:15] Agent Tom: Hi' },
          ),
        );
        expect(reasons(items)).toEqual(['conversation', 'conversation']);
        const [assumed, iso] = conversations(items);
        expect(assumed.turns.map((t) => t.timestamp)).toEqual(['2026-02-03T09:14:00.000Z', '2026-03-02T09:15:00.000Z']);
        expect(assumed.notices).toEqual([expect.stringMatching(/^input\.file: chat transcripts whose every date reads either way/)]);
        expect(iso.notices).toBeUndefined();
      });

      test('three two-digit numbers read as a date before 2010 the usual way and from 2010 on year first are year first (26-03-02)', async () => {
        expect(await times('26-03-02 10:15 Anna: hello\n26-03-02 10:16 Agent Tom: Hi Anna')).toEqual([
          '2026-03-02T10:15:00.000Z',
          '2026-03-02T10:16:00.000Z',
        ]);
        // Like an ISO date it settles nothing: the slashed line decides the other line's order by itself.
        expect(await times('[26-03-02 23:59] Anna: hello\n[03/13/2026 00:01] Agent Tom: Hi')).toEqual([
          '2026-03-02T23:59:00.000Z',
          '2026-03-13T00:01:00.000Z',
        ]);
        // Plausible both ways (24 March 2025 or 25 March 2024): the usual reading; dots are never year first.
        expect(await times('24-03-25 10:15 Anna: hello\n24-03-25 10:16 Agent Tom: Hi')).toEqual([
          '2025-03-24T10:15:00.000Z',
          '2025-03-24T10:16:00.000Z',
        ]);
        expect(await times('26.03.02 10:15 Anna: hello\n26.03.02 10:16 Agent Tom: Hi')).toEqual([
          '2002-03-26T10:15:00.000Z',
          '2002-03-26T10:16:00.000Z',
        ]);
      });

      test('a chat writing dashed dates in both orders is quarantined, naming both lines', async () => {
        const transcript = '13-03-2026 09:14 Anna: hello\n03-13-2026 09:15 Agent Tom: Hi';
        const items = await parseAll(jsonl({ id: 'e-3', transcript }));
        expect(rejections(items)).toMatchObject([{ reason: 'invalid-field:transcript' }]);
        expect(rejections(items)[0].detail).toMatch(
          /^line 1 of the transcript \("13-03-2026 09:14 Anna: hello"\) writes its date with the day first, line 2 \("03-13-2026 09:15 Agent Tom: Hi"\) with the month first/,
        );
        // Dots are day first, so a dotted line and a month-first dashed line conflict too.
        const dotted = await parseAll(jsonl({ id: 'e-4', transcript: '[02.03.2026 09:14] Anna: hello\n[03-13-2026 09:15] Agent Tom: Hi' }));
        expect(rejections(dotted)).toMatchObject([{ reason: 'invalid-field:transcript' }]);
      });
    });
  });

  test('a rating in words counts as feedback records count it: good/satisfied 5, bad/unsatisfied 1, in JSON lines and CSV', async () => {
    const chatText = 'Customer: hi\nAgent: hello';
    const items = await parseAll(
      jsonl(
        { conversation_id: 'w-1', rating: 'good', transcript: chatText },
        { conversation_id: 'w-2', rating: 'Unsatisfied', transcript: chatText },
        { id: 'w-3', rating: ' satisfied ', transcript: chatText },
        { id: 'w-4', csat: 'bad', transcript: chatText },
        { id: 'w-5', rating: 'offered', transcript: chatText },
        { id: 'w-6', rating: 'n/a', transcript: chatText },
      ),
    );
    // A word that is no rating (an unanswered survey, "n/a") leaves the chat unrated, as a csat out of 1–5 does.
    expect(conversations(items).map((c) => [c.conversationId, c.csat])).toEqual([
      ['w-1', 5],
      ['w-2', 1],
      ['w-3', 5],
      ['w-4', 1],
      ['w-5', undefined],
      ['w-6', undefined],
    ]);
    expect(feedbacks(items)).toEqual([]);
    const csv = await parseAll(`conversation_id,transcript,rating\nw-7,"${chatText}",bad\nw-8,"${chatText}",Satisfied\n`);
    expect(conversations(csv).map((c) => c.csat)).toEqual([1, 5]);
  });

  test('a timed line naming no speaker, and a transcript-file record whose "conversation" lacks the shape, are quarantined saying which line', async () => {
    const timed = '[09:02] Customer: is my refund through?\n[09:04] checking...\n[09:05] Agent Sam: Yes, it was sent today.';
    const [stamped] = rejections(await parseAll(jsonl({ id: 't-1', transcript: timed })));
    expect(stamped).toMatchObject({ reason: 'unknown-speaker', line: 1 });
    expect(stamped.detail).toMatch(
      /^line 2 of the transcript \("\[09:04\] checking\.\.\."\) starts a message \(it has a time\) but names no speaker/,
    );

    const file = jsonl(
      { id: 'f-1', conversation: 'Visitor: is shipping free?\nOperator: Yes, over 50 euros.' },
      { id: 'f-2', conversation: 'thanks for the help earlier\nVisitor: one more thing' },
    );
    const items = await parseAll(file);
    expect(reasons(items)).toEqual(['conversation', 'unknown-speaker']);
    expect(rejections(items)[0]).toMatchObject({ line: 2 });
    expect(rejections(items)[0].detail).toMatch(/^line 1 of the transcript \("thanks for the help earlier"\) names no speaker/);
  });

  test('a transcript row in an undeclared legacy encoding is quarantined invalid-encoding, saying how to declare one', async () => {
    // "Клиент: Привет" in Windows-1251: a run of bytes above 0x7F that is neither UTF-8 nor plausible Windows-1252.
    const cyrillic = Buffer.from([0xca, 0xeb, 0xe8, 0xe5, 0xed, 0xf2, 0x3a, 0x20, 0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]);
    const csv = Buffer.concat([
      Buffer.from('conversation_id,transcript\ne-1,"Customer: hi\nAgent: hello"\ne-2,"'),
      cyrillic,
      Buffer.from('\nAgent: hello"\n'),
    ]);
    const items = await parseAll(csv);
    expect(reasons(items)).toEqual(['conversation', 'invalid-encoding']);
    const [rejection] = rejections(items);
    expect(rejection.line).toBe(4);
    expect(rejection.detail).toMatch(/neither UTF-8 nor Windows-1252.*--encoding/);
  });

  test('records in = used + quarantined, also for rows cut short or of the wrong width', async () => {
    const csv = 'conversation_id,transcript\nw-1,"Customer: hi\nAgent: hello"\nw-2,"Customer: hi",extra\nw-3,""\n';
    const items = await parseAll(csv);
    expect(reasons(items)).toEqual(['conversation', 'invalid-row', 'empty-conversation']);
    expect(rejections(items).map((r) => r.line)).toEqual([4, 5]);
  });
});
