/**
 * E-mail replies carry the thread they answer: "On Mon, 2 Mar 2026 Acme Support wrote:" and the
 * earlier messages quoted below it, Outlook's "From: … Sent: …" block, "-----Original
 * Message-----". Help desks that take tickets by e-mail keep it in the message text. Read as
 * written, each turn repeats the turns before it, which teaches a model to answer with a quoted
 * thread, and a name inside the quote is no longer where the redaction's per-conversation
 * numbering expects it. So a turn is cut where the quoted thread starts, when text stands before
 * it; and a closing "Sent from my iPhone" goes too, and a signature below the separator "-- ". Nothing is lost: the raw file keeps the text,
 * and a turn that is all quote is kept whole.
 */
export function withoutQuotedReply(text: string): string {
  // Chat turns are one line: nothing to look at (the common case costs one scan).
  if (text.indexOf('\n') === -1 || !MAY_QUOTE.test(text)) return text;
  const lines = text.split('\n');
  let cut = lines.length;
  for (let i = 1; i < lines.length && cut === lines.length; i++) {
    const line = lines[i].trim();
    if (ORIGINAL_MESSAGE.test(line)) cut = i;
    else if (REPLY_HEADER.test(line) || (i + 1 < lines.length && REPLY_HEADER.test(`${line} ${lines[i + 1].trim()}`))) cut = i;
    else if (OUTLOOK_FROM.test(line) && lines.slice(i + 1, i + 4).some((l) => OUTLOOK_SENT.test(l.trim()))) {
      // The rule Outlook draws above its header goes with it.
      cut = i > 1 && /^[_\-=]{8,}$/.test(lines[i - 1].trim()) ? i - 1 : i;
    }
  }
  // The signature separator ("-- ", RFC 3676; a clean-up may have taken its space): the lines after
  // it, a dozen at most, are the sender's signature (name, title, phone), no part of the reply.
  for (let i = Math.max(1, cut - 13); i < cut; i++) {
    if (SIGNATURE_SEPARATOR.test(lines[i]) && lines.slice(0, i).some((l) => l.trim())) {
      cut = i;
      break;
    }
  }
  // A trailing block of "> " lines without a header (two or more: one could be an arrow, "> Account").
  let end = cut;
  while (end > 0 && lines[end - 1].trim() === '') end--;
  let quoteStart = end;
  while (quoteStart > 0 && (lines[quoteStart - 1].trimStart().startsWith('>') || lines[quoteStart - 1].trim() === '')) quoteStart--;
  if (lines.slice(quoteStart, end).filter((l) => l.trimStart().startsWith('>')).length >= 2) end = quoteStart;
  while (end > 0 && (lines[end - 1].trim() === '' || MOBILE_FOOTER.test(lines[end - 1].trim()))) end--;
  if (end === lines.length) return text;
  const kept = lines.slice(0, end).join('\n').trimEnd();
  // All quote, or only the header left above it: the turn is kept as it was.
  return kept.trim() && !REPLY_HEADER.test(kept.replace(/\s*\n\s*/g, ' ').trim()) ? kept : text;
}

/** Any of the words the patterns below need: most multi-line texts are decided by this alone. */
const MAY_QUOTE =
  /\n\s*>|\n--[ \t]*(?:\n|$)|wrote|writes|schrieb|écrit|escribió|scritto|escreveu|schreef|geschreven|-----|From:|Von:|De :|De:|Da:|Van:|Sent from|Outlook|gesendet|Envoyé de|Enviado desde|Inviato da/i;

/** The line a mail client writes above the message it quotes, in the languages tuneloop screens. */
const REPLY_HEADER =
  /^(?:On\s.{1,200}\s(?:wrote|writes)|Am\s.{1,200}\sschrieb(?:\s.{0,200})?|Le\s.{1,200}\sa\sécrit|El\s.{1,200}\sescribió|Il\s.{1,200}\sha\sscritto|Em\s.{1,200}\sescreveu|Op\s.{1,200}\s(?:schreef|heeft\s.{0,200}geschreven)(?:\s.{0,200})?)\s?:\s*$/i;

const SIGNATURE_SEPARATOR = /^--[ \t]*$/;

const ORIGINAL_MESSAGE =
  /^-{2,}\s*(?:Original Message|Forwarded message|Ursprüngliche Nachricht|Weitergeleitete Nachricht|Message d'origine|Message transféré|Mensaje original|Mensaje reenviado|Messaggio originale|Messaggio inoltrato|Mensagem original|Mensagem encaminhada|Oorspronkelijk bericht|Doorgestuurd bericht)\s*-{2,}$/i;

const OUTLOOK_FROM = /^\*?(?:From|Von|De|Da|Van)\s?:\*?\s*\S/;
const OUTLOOK_SENT = /^\*?(?:Sent|Date|Gesendet|Datum|Envoyé|Date d'envoi|Enviado|Fecha|Inviato|Data|Verzonden|Verstuurd)\s?:/;

const MOBILE_FOOTER =
  /^(?:Sent from my .{1,40}|Sent from (?:Mail|Outlook|Yahoo Mail) for .{1,30}|Get Outlook for (?:iOS|Android)|Von meinem .{1,30} gesendet|Envoyé de mon .{1,30}|Enviado desde mi .{1,30}|Enviado do meu .{1,30}|Inviato da(?:l mio)? .{1,30}|Verzonden vanaf mijn .{1,30})$/i;
