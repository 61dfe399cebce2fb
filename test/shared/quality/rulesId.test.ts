import { SCREENED_LANGUAGES } from '../../../src/shared/quality/languages';
import { isCustomerQuestion, replyRuleFor } from '../../../src/shared/quality/rules';
import { isAbusiveReply } from './helpers';
import { detectConversationLanguage } from '../../../src/shared/language/detect';

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

  describe('Malay, which the detector answers as id', () => {
    it('reads Malay chat as id, and screens a conversation marked ms with the same lists', () => {
      const malay = ['Saya nak tukar alamat penghantaran untuk pesanan saya.', 'Boleh tolong semak status bayaran saya?'];
      expect(detectConversationLanguage(malay, malay).code).toBe('id');
      expect(replyRuleFor('Kami memohon maaf atas kesulitan yang dialami.', { language: 'ms' })).toBe('apology-only');
      expect(replyRuleFor('Kami memohon maaf atas kesulitan yang dialami.', { language: 'zsm' })).toBe('apology-only');
    });

    it.each([
      ['Saya akan pindahkan anda kepada pasukan kewangan kami sekarang.', 'handoff'],
      ['Untuk perkara ini, sila hubungi pihak bank anda secara terus.', 'handoff'],
      ['Saya akan rujuk kes ini kepada pasukan teknikal kami, mereka akan hubungi tuan dalam masa 24 jam.', 'handoff'],
      ['Pegawai kami akan menelefon puan esok pagi.', 'handoff'],
      ['Harap maaf atas kesulitan ini, puan.', 'apology-only'],
      ['Maaf atas kelewatan, bayaran balik anda akan masuk dalam 3 hari bekerja.', undefined],
      ['Maaf, kami hanya boleh membantu berkaitan pesanan dan penghantaran sahaja.', 'out-of-scope'],
      ['Harap maaf, itu di luar bidang tugas kami. Kami hanya mengendalikan urusan akaun.', 'out-of-scope'],
      ['Entahlah, saya pun tak pasti.', 'ambiguous'],
      ['Susah nak cakap, mungkin minggu depan.', 'ambiguous'],
      ['Tak pasti lagi, nanti saya semak.', 'ambiguous'],
      // A "maybe" that goes on to an answer is an answer.
      ['Mungkin awak boleh cuba log keluar dan log masuk semula.', undefined],
      ['Awak boleh tukar saiz dalam tempoh 14 hari selepas barang diterima.', undefined],
    ])('reply "%s" breaks %s', (text, rule) => {
      expect(replyRuleFor(text, { language: 'id' })).toBe(rule);
    });

    it('reads Malay requests, and an e-mail or a confirmed number as no problem', () => {
      expect(isCustomerQuestion('Macam mana nak pulangkan barang yang rosak', 'id')).toBe(true);
      expect(isCustomerQuestion('Akaun saya kena sekat, tak boleh log masuk langsung.', 'id')).toBe(true);
      expect(isCustomerQuestion('Ya betul, itu nombor telefon saya', 'id')).toBe(false);
      expect(isCustomerQuestion('Emel saya aminah88@gmail.com', 'id')).toBe(false);
    });

    it('takes Malay insults for abuse, and leaves a dog, a pet shop and "you may bring" alone', () => {
      expect(abusive('Bangang betul, dah banyak kali saya cakap!')).toBe(true);
      expect(abusive('Kau ni memang bodoh, faham tak?')).toBe(true);
      expect(abusive('Kami ada jualan murah untuk tali leher anjing minggu ini.')).toBe(false);
      expect(abusive('Awak boleh bawa anjing ke kedai kami.')).toBe(false);
      expect(abusive('Kamu ini bisa beli makanan anjing di cabang mana saja.')).toBe(false);
    });
  });
});
