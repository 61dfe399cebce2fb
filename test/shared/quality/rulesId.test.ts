import { SCREENED_LANGUAGES } from '../../../src/shared/quality/languages';
import { isCustomerQuestion, replyRuleFor } from '../../../src/shared/quality/rules';
import { isAbusiveReply } from './helpers';

/**
 * Indonesian support chat, where agents address customers as "kak" and apologise with "mohon
 * maaf": an apology or thanks may run on with the form of address and what it is for.
 */
const abusive = (text: string) => isAbusiveReply('id', text);

describe('phrase rules in Indonesian', () => {
  it('screens id', () => {
    expect(SCREENED_LANGUAGES).toContain('id');
  });

  it.each([
    ['Saya akan menghubungkan Anda dengan tim billing, mohon ditunggu.', 'handoff'],
    ['Keluhan kakak sudah kami teruskan ke tim terkait, nanti mereka akan menghubungi kakak.', 'handoff'],
    ['Untuk hal ini silakan langsung menghubungi pihak bank kakak ya.', 'handoff'],
    ['Mohon maaf atas ketidaknyamanannya.', 'apology-only'],
    ['Sekali lagi kami mohon maaf ya kak atas kejadian ini.', 'apology-only'],
    ['Mohon maaf, dana Anda sudah dikembalikan ke rekening hari ini.', undefined],
    // Three words answer ("the parcel was sent").
    ['Maaf kak, paket sudah dikirim.', undefined],
    // "But" opens a clause of its own.
    ['Mohon maaf tapi pesanan kakak tiba besok pagi.', undefined],
    ['Saya tidak bisa memberikan saran investasi.', 'out-of-scope'],
    ['Mohon maaf, kami hanya dapat membantu pertanyaan seputar pesanan dan pengiriman.', 'out-of-scope'],
    ['Saya kurang yakin.', 'ambiguous'],
    ['Mungkin, tergantung stok gudang.', 'ambiguous'],
    ['Kalau kakak ragu soal ukuran, silakan cek tabel ukuran di halaman produk.', undefined],
    ['Siap', 'short-reply'],
  ])('reply "%s" breaks %s', (text, rule) => {
    expect(replyRuleFor(text, { language: 'id' })).toBe(rule);
  });

  it('reads requests, and a name, a number or a confirmation as no problem', () => {
    expect(isCustomerQuestion('Pesanan saya belum sampai sampai sekarang', 'id')).toBe(true);
    expect(isCustomerQuestion('Saya mau refund', 'id')).toBe(true);
    expect(isCustomerQuestion('Saldo saya kepotong dua kali', 'id')).toBe(true);
    expect(isCustomerQuestion('Terima kasih banyak', 'id')).toBe(false);
    expect(isCustomerQuestion('Nomor pesanan 45821', 'id')).toBe(false);
    expect(isCustomerQuestion('Nama saya Siti Rahayu', 'id')).toBe(false);
    expect(isCustomerQuestion('Iya kak, email itu benar', 'id')).toBe(false);
  });

  it('takes insults, not the everyday words they are made of, for abuse', () => {
    expect(abusive('Goblok, baca lagi pesannya.')).toBe(true);
    expect(abusive('Berapa kali harus saya bilang? Dasar bego!')).toBe(true);
    expect(abusive('Makanan anjing dan kucing sedang diskon minggu ini.')).toBe(false);
    expect(abusive('Minggu ini ada diskon 20% untuk kalung anjing.')).toBe(false);
  });
});
