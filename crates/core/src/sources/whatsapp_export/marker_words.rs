//! The words WhatsApp writes for its markers (see `markers`), by language: data only.
//!
//! Languages, chosen by how many people use WhatsApp in them: English, Spanish, Portuguese (Brazil and
//! Portugal), Hindi, Indonesian, Russian, German, French, Italian, Turkish, Arabic, Dutch, Urdu, Persian
//! and Malay; and Korean, Japanese and Chinese, whose headers Docket also reads. The words come from
//! WhatsApp's own translation tables for iOS and Android (as collected by the whats_json project's pattern
//! generator) and from real exports and parser test data in public repositories; WhatsApp has changed
//! some translations over the years, so older and newer wordings are both listed. The "edited" suffix
//! is listed only where an export showing it was found (not for Hindi, Urdu, Persian, Malay, Korean,
//! Japanese or Chinese); "view once" placeholders only in English.
//!

use super::markers::{MediaKind, Omission};

/// One language's markers. A `%@` in an attachment pattern stands for the file name.
pub(super) struct Language {
    pub deleted: &'static [&'static str],
    pub you_deleted: &'static [&'static str],
    pub admin_deleted: &'static [&'static str],
    pub edited: &'static [&'static str],
    pub media_omitted: &'static [&'static str],
    /// iOS markers by kind: image, video, audio, document, sticker, GIF, contact card.
    pub kinds: [&'static str; 7],
    pub attached: &'static [&'static str],
    pub file_attached: &'static [&'static str],
}

pub(super) const KIND_ORDER: [MediaKind; 7] = [
    MediaKind::Image,
    MediaKind::Video,
    MediaKind::Audio,
    MediaKind::Document,
    MediaKind::Sticker,
    MediaKind::Gif,
    MediaKind::ContactCard,
];

const ENGLISH: Language = Language {
    deleted: &["This message was deleted"],
    you_deleted: &["You deleted this message"],
    admin_deleted: &["This message was deleted by an admin", "You deleted this message as admin"],
    edited: &["<This message was edited>"],
    media_omitted: &["<Media omitted>"],
    kinds: [
        "image omitted",
        "video omitted",
        "audio omitted",
        "document omitted",
        "sticker omitted",
        "GIF omitted",
        "Contact card omitted",
    ],
    attached: &["<attached: %@>"],
    file_attached: &["%@ (file attached)"],
};

pub(super) const LANGUAGES: [Language; 19] = [
    ENGLISH,
    // Spanish
    Language {
        deleted: &["Se eliminó este mensaje", "Este mensaje fue eliminado"],
        you_deleted: &["Eliminaste este mensaje"],
        admin_deleted: &["Un admin. eliminó este mensaje"],
        edited: &["<Se editó este mensaje.>", "<Este mensaje fue editado>"],
        media_omitted: &["<Multimedia omitido>", "<Archivo omitido>"],
        kinds: [
            "imagen omitida",
            "Video omitido",
            "audio omitido",
            "documento omitido",
            "sticker omitido",
            "GIF omitido",
            "Tarjeta de contacto omitida",
        ],
        attached: &["<adjunto: %@>"],
        file_attached: &["%@ (archivo adjunto)", "%@ (archivo adjuntado)"],
    },
    // Portuguese (Brazil)
    Language {
        deleted: &["Mensagem apagada", "Esta mensagem foi apagada"],
        you_deleted: &["Você apagou esta mensagem"],
        admin_deleted: &["Mensagem apagada por um admin"],
        edited: &["<Mensagem editada>", "<Esta mensagem foi editada>"],
        media_omitted: &["<Mídia oculta>", "<Mídia omitida>", "<arquivo de mídia oculto>"],
        kinds: [
            "imagem ocultada",
            "vídeo omitido",
            "áudio ocultado",
            "documento omitido",
            "figurinha omitida",
            "GIF omitido",
            "Cartão do contato omitido",
        ],
        attached: &["<anexado: %@>"],
        file_attached: &["%@ (arquivo anexado)"],
    },
    // Portuguese (Portugal)
    Language {
        deleted: &["Esta mensagem foi apagada pelo remetente", "Esta mensagem foi eliminada"],
        you_deleted: &["Apagou esta mensagem", "Eliminou esta mensagem"],
        admin_deleted: &["Esta mensagem foi apagada por um/a administrador/a"],
        edited: &[],
        media_omitted: &["<Multimédia omitido>", "<Ficheiro não revelado>"],
        kinds: [
            "imagem não revelada",
            "vídeo não revelado",
            "ficheiro de áudio não revelado",
            "documento não revelado",
            "sticker não revelado",
            "GIF não revelada",
            "Contacto não revelado",
        ],
        attached: &["<anexo: %@>"],
        file_attached: &["%@ (ficheiro anexado)"],
    },
    // Hindi
    Language {
        deleted: &["यह मैसेज डिलीट कर दिया गया है", "यह संदेश मिटाया गया"],
        you_deleted: &["आपने यह मैसेज डिलीट किया", "आपने यह संदेश मिटाया"],
        admin_deleted: &["यह मैसेज किसी एडमिन ने डिलीट कर दिया है"],
        edited: &[],
        media_omitted: &["<मीडिया के बिना>"],
        kinds: [
            "फ़ोटो हटाई गई",
            "वीडियो छोड़ा गया",
            "ऑडियो हटाई गयी",
            "डॉक्यूमेंट छोड़ा गया",
            "स्टिकर छोड़ा गया",
            "GIF छोड़ा गया",
            "कॉन्टैक्ट कार्ड छोड़ा गया",
        ],
        attached: &["<अटैच किया गया: %@>"],
        file_attached: &["%@ (फाइल अटैच कर दी गई है)"],
    },
    // Indonesian
    Language {
        deleted: &["Pesan ini dihapus", "Pesan ini telah dihapus"],
        you_deleted: &["Anda menghapus pesan ini", "Anda telah menghapus pesan ini"],
        admin_deleted: &["Pesan ini dihapus oleh admin"],
        edited: &["<Pesan ini diedit>"],
        media_omitted: &["<Media tidak disertakan>"],
        kinds: [
            "gambar tidak disertakan",
            "video tidak disertakan",
            "audio tidak disertakan",
            "dokumen tidak disertakan",
            "stiker tidak disertakan",
            "GIF tidak disertakan",
            "Kartu kontak tidak disertakan",
        ],
        attached: &["<terlampir: %@>"],
        file_attached: &["%@ (file terlampir)"],
    },
    // Russian
    Language {
        deleted: &["Данное сообщение удалено"],
        you_deleted: &["Вы удалили это сообщение", "Вы удалили данное сообщение"],
        admin_deleted: &["Данное сообщение удалено админом"],
        edited: &["<Сообщение изменено>"],
        media_omitted: &["<Без медиафайлов>", "<Файл пропущен>"],
        kinds: [
            "изображение отсутствует",
            "видео отсутствует",
            "аудиофайл отсутствует",
            "документ отсутствует",
            "стикер не добавлен",
            "GIF отсутствует",
            "Карточка контакта отсутствует",
        ],
        attached: &["<прикреплено: %@>"],
        file_attached: &["%@ (файл добавлен)"],
    },
    // German
    Language {
        deleted: &["Diese Nachricht wurde gelöscht"],
        you_deleted: &["Du hast diese Nachricht gelöscht"],
        admin_deleted: &["Diese Nachricht wurde von einem*einer Admin gelöscht"],
        edited: &["<Diese Nachricht wurde bearbeitet>"],
        media_omitted: &["<Medien ausgeschlossen>", "<Medien weggelassen>"],
        kinds: [
            "Bild weggelassen",
            "Video weggelassen",
            "Audio weggelassen",
            "Dokument weggelassen",
            "Sticker weggelassen",
            "GIF weggelassen",
            "Kontaktkarte ausgelassen",
        ],
        attached: &["<Anhang: %@>"],
        file_attached: &["%@ (Datei angehängt)"],
    },
    // French
    Language {
        deleted: &["Ce message a été supprimé"],
        you_deleted: &["Vous avez supprimé ce message"],
        admin_deleted: &["Ce message a été supprimé par un ou une admin"],
        edited: &["<Ce message a été modifié>"],
        media_omitted: &["<Médias omis>", "<Fichier omis>"],
        kinds: [
            "image absente",
            "vidéo absente",
            "audio omis",
            "document manquant",
            "sticker omis",
            "GIF retiré",
            "Fiche contact manquante",
        ],
        attached: &["< pièce jointe : %@ >"],
        file_attached: &["%@ (fichier joint)"],
    },
    // Italian
    Language {
        deleted: &["Questo messaggio è stato eliminato"],
        you_deleted: &["Hai eliminato questo messaggio"],
        admin_deleted: &["Questo messaggio è stato eliminato da un amministratore"],
        edited: &["<Questo messaggio è stato modificato>"],
        media_omitted: &["<Media omessi>", "<Media omesso>"],
        kinds: [
            "immagine omessa",
            "video omesso",
            "audio omesso",
            "documento omesso",
            "sticker non incluso",
            "GIF esclusa",
            "Scheda contatto omessa",
        ],
        attached: &["<allegato: %@>"],
        file_attached: &["%@ (file allegato)"],
    },
    // Turkish
    Language {
        deleted: &["Bu mesaj silindi"],
        you_deleted: &["Bu mesajı sildiniz"],
        admin_deleted: &["Bu mesaj bir yönetici tarafından silindi"],
        edited: &["<Bu mesaj düzenlendi>"],
        media_omitted: &["<Medya dahil edilmedi>", "<Medya atlanmış>"],
        kinds: [
            "görüntü dahil edilmedi",
            "video dahil edilmedi",
            "ses dahil edilmedi",
            "belge dahil edilmedi",
            "Çıkartma dahil edilmedi",
            "GIF dahil edilmedi",
            "Kişi kartı dahil edilmedi",
        ],
        attached: &["<%@ eklendi>"],
        file_attached: &["%@ (dosya ekli)"],
    },
    // Arabic
    Language {
        deleted: &["تم حذف هذه الرسالة"],
        you_deleted: &["لقد حذَفت هذه الرسالة", "أنت حذفت هذه الرسالة"],
        admin_deleted: &["حذف أحد المشرفين هذه الرسالة"],
        edited: &["<تم تعديل هذه الرسالة>"],
        media_omitted: &["<تم استبعاد الوسائط>"],
        kinds: [
            "لم يتم إدراج الصورة",
            "لم يتم إدراج الفيديوهات",
            "لم يتم إدراج المقاطع الصوتية",
            "لم يتم إدراج المستند",
            "تم حذف الملصقات",
            "لم يتم إدراج صورة GIF",
            "لم يتم إدراج بطاقة جهة اتصال",
        ],
        attached: &["<المُرفق: %@>"],
        file_attached: &["%@ (الملف مرفق)"],
    },
    // Dutch
    Language {
        deleted: &["Dit bericht is verwijderd"],
        you_deleted: &["U hebt dit bericht verwijderd"],
        admin_deleted: &["Dit bericht is verwijderd door een beheerder"],
        edited: &["<Dit bericht is bewerkt>"],
        media_omitted: &["<Media weggelaten>"],
        kinds: [
            "afbeelding weggelaten",
            "video weggelaten",
            "audio weggelaten",
            "document weggelaten",
            "sticker weggelaten",
            "GIF weggelaten",
            "Visitekaartje weggelaten",
        ],
        attached: &["<bijgevoegd: %@>"],
        file_attached: &["%@ (bestand bijgevoegd)"],
    },
    // Urdu
    Language {
        deleted: &["یہ میسج حذف کر دیا گیا ہے", "یہ پیغام حذف کیا گیا"],
        you_deleted: &["آپ نے یہ میسج حذف کر دیا ہے", "آپ نے اس پیغام کو حذف کیا"],
        admin_deleted: &["یہ میسج ایک ایڈمن نے حذف کر دیا ہے"],
        edited: &[],
        media_omitted: &["<میڈیا چھوڑ دیا گیا>"],
        kinds: [
            "تصویر نکال دی گئی ہے",
            "ویڈیو نظرانداز",
            "آڈیو نظرانداز",
            "دستاویز نظرانداز",
            "اسٹیکر نظرانداز",
            "GIF نظرانداز",
            "رابطہ کارڈ نظر انداز",
        ],
        attached: &["<پیوستہ: %@>"],
        file_attached: &["%@ (پیوستہ فائل)"],
    },
    // Persian
    Language {
        deleted: &["این پیام حذف شده است", "این پیام حذف شد"],
        you_deleted: &["شما این پیام را حذف کردید"],
        admin_deleted: &["یکی از مدیران این پیام را حذف کرد"],
        edited: &[],
        media_omitted: &["< پيوست نما/آهنگ حذف شد >"],
        kinds: [
            "تصویر حذف شد",
            "ویدیو حذف شد",
            "صدا حذف شد",
            "سند حذف شد",
            "استیکر حذف شد",
            "GIF حذف شد",
            "برگ مخاطب حذف شد",
        ],
        attached: &["<پیوست: %@>"],
        file_attached: &["فایل پیوست شد %@"],
    },
    // Malay
    Language {
        deleted: &["Mesej ini telah dipadam"],
        you_deleted: &["Anda telah memadamkan mesej ini"],
        admin_deleted: &["Mesej ini telah dipadamkan oleh pentadbir"],
        edited: &[],
        media_omitted: &["<Media disingkirkan>"],
        kinds: [
            "imej tidak dimasukkan",
            "video tidak dimasukkan",
            "audio tidak dimasukkan",
            "dokumen tidak dimasukkan",
            "pelekat tidak disertakan",
            "GIF tidak dimasukkan",
            "Kad kenalan tidak dimasukkan",
        ],
        attached: &["<dilampir: %@>"],
        file_attached: &["%@ (fail dilampirkan)"],
    },
    // Korean
    Language {
        deleted: &["이 메시지는 삭제되었습니다"],
        you_deleted: &["삭제한 메시지입니다", "이 메시지를 삭제했습니다"],
        admin_deleted: &["이 메시지는 관리자에 의해 삭제되었습니다"],
        edited: &[],
        media_omitted: &["<미디어 파일을 생략한 대화내용>"],
        kinds: [
            "이미지 생략됨",
            "비디오 생략됨",
            "오디오 생략됨",
            "문서 생략됨",
            "스티커 제외됨",
            "GIF 생략됨",
            "연락처 카드 생략됨",
        ],
        attached: &["< 첨부됨: %@>"],
        file_attached: &["%@ (파일 첨부됨)"],
    },
    // Japanese
    Language {
        deleted: &["このメッセージは削除されました"],
        you_deleted: &["このメッセージを削除しました"],
        admin_deleted: &["このメッセージは管理者により削除されました"],
        edited: &[],
        media_omitted: &["<メディアは含まれていません>"],
        kinds: [
            "画像は含まれていません",
            "ビデオは含まれていません",
            "音声は含まれていません",
            "ドキュメントは含まれていません",
            "スタンプは含まれていません",
            "GIFは含まれていません",
            "連絡先カードを省略",
        ],
        attached: &["<添付ファイル: %@>"],
        file_attached: &["%@ (添付ファイル有り)"],
    },
    // Chinese (simplified Android; traditional iOS)
    Language {
        deleted: &["信息已删除", "这条消息已删除", "此訊息已刪除"],
        you_deleted: &["您删除这个信息", "您已刪除此訊息", "你已刪除此訊息"],
        admin_deleted: &["管理員已刪除此訊息"],
        edited: &[],
        media_omitted: &["<省略多媒体文件>", "<省略影音内容>", "<已省略多媒體檔案>"],
        kinds: [
            "圖片已略去",
            "影片已略去",
            "音訊已略去",
            "文件已略去",
            "貼圖已略去",
            "GIF 已略去",
            "聯絡人卡片已略去",
        ],
        attached: &["<附件：%@>"],
        file_attached: &["%@ (文件附件)"],
    },
];

/// English-only markers: Android's bracketed kinds and the "view once" placeholders.
pub(super) const ENGLISH_EXTRA: [(&str, Omission); 7] = [
    ("voice message omitted", Omission { kind: MediaKind::VoiceMessage, view_once: false }),
    ("<video note omitted>", Omission { kind: MediaKind::VideoNote, view_once: false }),
    ("<View once voice message omitted>", Omission { kind: MediaKind::VoiceMessage, view_once: true }),
    ("<View once photo omitted>", Omission { kind: MediaKind::Image, view_once: true }),
    ("view once photo omitted", Omission { kind: MediaKind::Image, view_once: true }),
    ("<View once video omitted>", Omission { kind: MediaKind::Video, view_once: true }),
    ("<View once message omitted>", Omission { kind: MediaKind::Unspecified, view_once: true }),
];
