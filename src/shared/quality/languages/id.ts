import type { LanguagePhrases } from './types';

// Indonesian, and Malay with it. Affixes build the words (me-, di-, -kan, -nya): entries take the
// forms support chat uses and the suffix "-nya" where it goes ("ketidaknyamanannya"). Agents address
// customers as "kak" (kakak) or "Bapak/Ibu", in Malaysia "tuan/puan/encik/cik", which a thanks or an
// apology may run on with. The language detector answers `id` for Malay chat text, so these lists
// carry Malay's own words beside the Indonesian ones ("pindahkan", "pasukan", "tak pasti",
// "bergantung", "sila"); `ms` is read with them too (see languages/index.ts).
const NYA = '(?:nya)?';
// A hedge may open with a filler word: "Hmm, tergantung kak".
const FILL = '(?:(?:hmm+|eh|wah|ya|yah|nah|entah|entahlah),? )?';
const KAK = '(?: (?:kak|kakak|gan|sis|bapak|ibu|bu|pak|tuan|puan|encik|cik))?';

export const id: LanguagePhrases = {
  code: 'id',
  questionStart: [
    'bagaimana',
    'macam mana',
    'gimana',
    'gmn',
    'kenapa',
    'mengapa',
    'kapan',
    'bila',
    'dimana',
    'di mana',
    'berapa',
    'apa',
    'apakah',
    'siapa',
    'bisa(?:kah)?',
    'boleh(?:kah)?',
    'mohon',
    'tolong',
  ],
  request: [
    'mau',
    'ingin',
    'pengen',
    'butuh',
    'perlu',
    'minta',
    'nak',
    'hendak',
    'mohon',
    'tolong',
    'bantu(?:an)?',
    `(?:belum|tidak|tak|gak|ga|nggak|enggak|tdk|blm|x) (?:\\S+ )?(?:sampai|sampe|datang|diterima|terima|masuk|bisa|boleh|berhasil|berjaya|muncul|jalan|nyala|aktif)`,
    'rusak',
    'rosak',
    'pecah',
    'cacat',
    'salah',
    'error',
    'eror',
    'gagal',
    'masalah',
    'kendala',
    'keluhan',
    'komplain',
    `refund${NYA}`,
    'pengembalian (?:dana|uang|barang)',
    'bayaran balik',
    'pulangkan',
    'pemulangan',
    'kembalikan',
    'dikembalikan',
    'batal(?:kan)?',
    'pembatalan',
    'cancel',
    'ganti',
    'ubah',
    'tukar',
    'dua kali',
    '(?:terpotong|kepotong|ditarik|ditolak|dipotong) (?:\\S+ )?(?:dua kali|2x|double)',
  ],
  phatic: [
    '(?:halo|hallo|hai|hi)(?: kak| min| admin)?',
    'selamat (?:pagi|siang|sore|malam)',
    'assalamualaikum',
    '(?:terima kasih|terimakasih|makasih|thanks|thx|tq)(?: banyak)?(?: ya)?(?: kak| min)?',
    'oke',
    'ok',
    'okay',
    'baik',
    'siap',
    'sip',
    'ya',
    'iya',
    'betul',
    'ya betul',
    'baiklah',
    'sudah',
    'udah',
    'diterima',
    'mantap',
    'sampai jumpa',
    // A name or an e-mail given answers the agent ("nama saya Budi Santoso").
    'nama saya (?:adalah )?(?:\\S+ ){0,2}\\S+',
    '(?:email|emel|e-mel|nomor|nombor|no hp|nomor hp|no telefon|nombor telefon) saya (?:\\S+ ){0,2}\\S+',
    // The customer confirms what the agent read out: "iya kak, email itu benar".
    '(?:email|nomor|alamat|nama|data)(?:nya)? (?:itu |tersebut |ini )?(?:sudah )?(?:benar|betul|sesuai)',
    // Malay: "ya betul, itu nombor telefon saya".
    '(?:itu|ini) (?:email|emel|e-mel|nombor|nomor|alamat|nama)(?: (?:telefon|telepon|hp|penuh))? saya',
  ],
  handoff: [
    '(?:saya|kami) (?:akan )?(?:menghubungkan|sambungkan|menyambungkan|hubungkan|meneruskan|teruskan|mengalihkan|alihkan|eskalasi|mengeskalasi|pindahkan|memindahkan|panjangkan|memanjangkan|majukan|memajukan|rujuk|merujuk|rujukkan) (?:anda|kakak|kak|bapak|ibu|tuan|puan|encik|cik|keluhan|laporan|permintaan|pertanyaan|kasus|aduan|kes)(?: \\S+){0,3}',
    '(?:tim|divisi|bagian|rekan|petugas|spesialis|supervisor|manajer|teknisi|pasukan|jabatan|bahagian|pegawai|wakil|juruteknik|pengurus|penyelia)(?: \\S+){0,4} (?:akan )?(?:menghubungi|hubungi|menelepon|menelefon|menghubungi kembali) (?:anda|kakak|kak|bapak|ibu|tuan|puan|encik|cik)',
    '(?:silakan|silahkan|sila|mohon|harap) (?:langsung )?(?:menghubungi|hubungi|kontak) (?:pihak )?(?:bank|tim|pasukan|jabatan|cs|customer service|khidmat pelanggan|call center|pusat panggilan|kurir|penjual|seller)',
    '(?:keluhan|laporan|permintaan|kasus|aduan|kes) (?:\\S+ ){0,3}(?:sudah |telah )?(?:kami |saya )?(?:teruskan|diteruskan|eskalasi|dieskalasi|panjangkan|dipanjangkan|majukan|dimajukan)',
  ],
  apology: ['maaf', `mohon maaf`, 'minta maaf', 'sorry', `menyesal`],
  apologySentence: [
    `(?:sekali lagi,? )?(?:kami |saya )?(?:mohon |memohon |minta |harap )?maaf${KAK}\\b.*`,
    `(?:kami |saya )?(?:sangat )?menyesal\\b.*`,
  ],
  apologyTail:
    'atas untuk kejadian ketidaknyamanan ketidaknyamanannya keterlambatan keterlambatannya kendala kendalanya kesalahan kesalahannya masalah masalahnya yang terjadi dialami ini tersebut sebelumnya sekali sebesar-besarnya banyak ya kak kakak bapak ibu kembali ' +
    // Malay's words of the same tail.
    'kesulitan kesulitannya kesukaran kelewatan kesilapan segala sebarang dihadapi tuan puan encik cik',
  acknowledgementSentence: [
    `(?:terima kasih|terimakasih|makasih)${KAK}\\b.*`,
    '(?:saya |kami )?(?:mengerti|paham|memahami)\\b.*',
    `(?:baik|oke|siap|tentu|tentu saja|sip)${KAK}\\.?`,
  ],
  acknowledgementTail:
    'atas untuk sudah telah menghubungi kami kesabarannya kesabaran kakak anda bapak ibu banyak ya kak informasinya informasi waktunya menunggu konfirmasinya kekhawatiran kekecewaan',
  filler: [
    `(?:mohon |harap )?(?:ditunggu|tunggu|menunggu)(?: sebentar| sebentar ya)?${KAK}\\b.*`,
    `(?:nanti |sekejap )?(?:saya |kami )?(?:cek|periksa|semak|bantu cek|bantu semak|cek dulu|periksa dulu|cekkan|semakkan)(?: dulu| semula)?(?: ya)?${KAK}\\.?`,
    '(?:ada )?(?:yang )?(?:lain|lainnya) (?:yang )?(?:bisa|dapat) (?:kami |saya )?bantu\\b.*',
    // "Mohon maaf atas kendala yang kakak alami, …" repeats the customer's problem back.
    '(?:kami |saya )?(?:turut )?(?:prihatin|sedih) (?:mendengar|atas)\\b.*',
  ],
  outOfScope: [
    'di luar (?:wewenang|kewenangan|cakupan|ranah|lingkup|tanggung jawab|skop|bidang kuasa|bidang tugas)',
    '(?:kami|saya) (?:hanya|cuma) (?:mengendalikan|menguruskan|mengurus|menangani|melayan|melayani) (?:urusan|pertanyaan|hal|isu|soal)',
    '(?:tidak|tdk|gak) (?:bisa|dapat|boleh) (?:\\S+ ){0,2}(?:memberikan|memberi|kasih) (?:\\S+ ){0,2}(?:saran|nasihat|rekomendasi)',
    '(?:hanya|cuma) (?:bisa|dapat|boleh) (?:membantu|bantu|menjawab) (?:\\S+ ){0,5}(?:terkait|seputar|mengenai|tentang|berkaitan|berkenaan)',
  ],
  hedge: [
    `${FILL}(?:tergantung|bergantung)\\b.*`,
    // "Mungkin minggu depan" (maybe next week) is a guess, not an answer.
    `${FILL}(?:mungkin|bisa jadi|kemungkinan)(?: \\S+){0,2}${KAK}\\.?`,
    `${FILL}(?:saya )?(?:pun )?(?:kurang|tidak|tak|gak|nggak|belum) (?:berapa )?(?:yakin|tau|tahu|pasti)${KAK}\\b.*`,
    `${FILL}(?:sulit|susah|sukar) (?:dikatakan|dipastikan|bilang|nak cakap|nak kata)\\.?`,
    `${FILL}(?:kita |nanti )?(?:lihat|liat|tengok) (?:saja|aja|nanti|dulu)\\.?`,
    `${FILL}entah(?:lah)?${KAK}\\.?`,
  ],
  refusal: ['tidak bisa', 'tidak dapat', 'gak bisa', 'nggak bisa', 'tidak diizinkan', 'tidak boleh', 'dilarang'],
  unsafeRequest: [
    '(?:abaikan|lupakan) (?:semua )?(?:instruksi|perintah|aturan) (?:sebelumnya|tadi|di atas)',
    '(?:cara|gimana|bagaimana) (?:membuat|bikin|merakit) (?:bom|senjata|racun|bahan peledak)',
    '(?:hack|bobol|retas|membobol|meretas) (?:akun|email|hp|instagram|ig|whatsapp|wa) (?:\\S+ )?(?:orang lain|mantan|pacar|istri|suami|tetangga|teman)',
    '(?:maki|hina) (?:saya|aku)',
  ],
  // Matched as whole words in assistant turns. Animals are everyday words (a pet shop sells
  // "makanan anjing"): as insults only after kamu/lu/lo/dasar ("dasar anjing").
  abusive: [
    // "kau ni memang bodoh": "this", "really" and the like between.
    '(?:kamu|lu|lo|loe|elu|dasar|kau|awak|engkau)(?: (?:ni|ini|tu|itu|memang|betul|sungguh|sangat))* (?:\\S+ )?(?:anjing|babi|monyet|kunyuk|bangsat|tolol|bodoh|goblok|bebal)',
    'goblok',
    'goblog',
    'tolol',
    'bego',
    'bangsat',
    'bajingan',
    'brengsek',
    'kampret',
    'keparat',
    'tai',
    'taik',
    'kontol',
    'memek',
    'ngentot',
    'jancok',
    'jancuk',
    'asu',
    'bacot',
    'idiot',
    // Malay.
    'bangang',
    'celaka',
    'pukimak',
    'puki',
    'lancau',
    'haram jadah',
  ],
  minAnswerWords: 3,
};
