// Mail headers of a format-patch mail or of one message in an mbox series. Only the headers a
// reviewer needs to tell the patches apart are kept; the body is left to the diff reader.

import type { QuotedLine } from './quote';

export interface MailHeaders {
  subject?: string;
  from?: string;
  messageId?: string;
  date?: string;
}

const HEADER_LINE = /^([A-Za-z][A-Za-z0-9-]*):[ \t]*(.*)$/;

/** True when the unquoted line opens an RFC 822 header block (`From:`, `Subject:`...). */
export function startsHeaderBlock(lines: readonly QuotedLine[], i: number): boolean {
  const first = lines[i];
  if (!first || first.depth !== 0 || !HEADER_LINE.test(first.body)) return false;
  // Look a few lines ahead for a header that only mails carry, so a commit message line such
  // as `Fixes: 1234` is not taken for a mail.
  for (let j = i; j < Math.min(lines.length, i + 30); j++) {
    const body = lines[j]!.body;
    if (body === '' || lines[j]!.depth !== 0) break;
    if (/^(From|Subject|Message-I[Dd]|Date):/i.test(body)) return /^(From|Subject|Message-I[Dd]|Date|Return-Path|Received|X-[\w-]+|MIME-Version|Content-[\w-]+|To|Cc|In-Reply-To|References):/i.test(first.body);
  }
  return false;
}

/** Reads the header block starting at `i`; returns the headers and the index after the block. */
export function readHeaderBlock(lines: readonly QuotedLine[], i: number): { headers: MailHeaders; next: number } {
  const headers: MailHeaders = {};
  let name = '';
  let value = '';
  const flush = (): void => {
    const v = decodeEncodedWords(value.trim());
    switch (name.toLowerCase()) {
      case 'subject': headers.subject = v; break;
      case 'from': headers.from = v; break;
      case 'message-id': headers.messageId = v; break;
      case 'date': headers.date = v; break;
    }
  };
  const depth = lines[i]?.depth ?? 0;
  let j = i;
  for (; j < lines.length; j++) {
    if (lines[j]!.depth !== depth) break;
    const body = lines[j]!.body;
    if (body === '') { j++; break; }
    if (/^[ \t]/.test(body) && name !== '') { value += ' ' + body.trim(); continue; }
    const m = HEADER_LINE.exec(body);
    if (!m) break;
    if (name !== '') flush();
    name = m[1]!;
    value = m[2]!;
  }
  if (name !== '') flush();
  return { headers, next: j };
}

// RFC 2047 encoded words (`=?UTF-8?q?...?=`), which format-patch uses for non-ASCII subjects.
function decodeEncodedWords(s: string): string {
  return s.replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=\s*(?==\?)|=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g,
    (_all, c1: string, e1: string, t1: string, c2: string, e2: string, t2: string) => {
      const charset = (c1 ?? c2 ?? '').toLowerCase();
      const enc = (e1 ?? e2 ?? '').toLowerCase();
      const text = t1 ?? t2 ?? '';
      const bytes = enc === 'b'
        ? Buffer.from(text, 'base64')
        : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
      return bytes.toString(charset === 'utf-8' || charset === 'utf8' ? 'utf8' : 'latin1');
    });
}

/** `commit <sha>` as printed by `git show` and `git log -p`: one commit, one patch unit. */
export function isGitLogCommit(body: string): boolean {
  return /^commit [0-9a-f]{7,64}\b/.test(body);
}

/** Reads `Author:`/`Date:` after a `commit` line and takes the message's first line as subject. */
export function readGitLogHeader(lines: readonly QuotedLine[], i: number): { headers: MailHeaders; next: number } {
  const headers: MailHeaders = {};
  let j = i + 1;
  for (; j < lines.length && lines[j]!.body !== ''; j++) {
    const m = HEADER_LINE.exec(lines[j]!.body);
    if (!m) break;
    if (m[1] === 'Author') headers.from = m[2]!.trim();
    if (m[1] === 'Date') headers.date = m[2]!.trim();
  }
  const subject = lines.slice(j, j + 3).find((l) => /^ {4}\S/.test(l.body));
  if (subject) headers.subject = subject.body.trim();
  return { headers, next: j };
}
