//! Labels: the words both editions print that the author did not write (an
//! alert's label, the reference list's heading, "Contents", "Notes", "Cover"), in
//! the book's language.
//!
//! One table, by the language tag's primary subtag (Chinese also by script or
//! region); a language it lacks gets English. Knows nothing of the editions.

use crate::model::Labels;

/// Note, Tip, Important, Warning, Caution (GitHub's alerts), then References,
/// Contents, Notes (the heading of a part's notes) and Cover.
type Words = [&'static str; 9];

const ENGLISH: Words = [
    "Note",
    "Tip",
    "Important",
    "Warning",
    "Caution",
    "References",
    "Contents",
    "Notes",
    "Cover",
];

/// The table: the alerts' words as GitHub's and the documentation tools'
/// translations have them, and the reference list's usual heading.
const TABLE: &[(&str, Words)] = &[
    ("en", ENGLISH),
    (
        "fr",
        [
            "Remarque",
            "Astuce",
            "Important",
            "Avertissement",
            "Attention",
            "Références",
            "Table des matières",
            "Notes",
            "Couverture",
        ],
    ),
    (
        "de",
        [
            "Hinweis",
            "Tipp",
            "Wichtig",
            "Warnung",
            "Vorsicht",
            "Literatur",
            "Inhalt",
            "Anmerkungen",
            "Umschlag",
        ],
    ),
    (
        "es",
        [
            "Nota",
            "Consejo",
            "Importante",
            "Advertencia",
            "Precaución",
            "Referencias",
            "Índice",
            "Notas",
            "Cubierta",
        ],
    ),
    (
        "it",
        [
            "Nota",
            "Suggerimento",
            "Importante",
            "Avviso",
            "Attenzione",
            "Riferimenti bibliografici",
            "Indice",
            "Note",
            "Copertina",
        ],
    ),
    (
        "pt",
        [
            "Nota",
            "Dica",
            "Importante",
            "Aviso",
            "Cuidado",
            "Referências",
            "Sumário",
            "Notas",
            "Capa",
        ],
    ),
    (
        "nl",
        [
            "Opmerking",
            "Tip",
            "Belangrijk",
            "Waarschuwing",
            "Let op",
            "Literatuur",
            "Inhoud",
            "Noten",
            "Omslag",
        ],
    ),
    (
        "pl",
        [
            "Uwaga",
            "Wskazówka",
            "Ważne",
            "Ostrzeżenie",
            "Przestroga",
            "Bibliografia",
            "Spis treści",
            "Przypisy",
            "Okładka",
        ],
    ),
    (
        "tr",
        [
            "Not",
            "İpucu",
            "Önemli",
            "Uyarı",
            "Dikkat",
            "Kaynakça",
            "İçindekiler",
            "Notlar",
            "Kapak",
        ],
    ),
    (
        "ru",
        [
            "Примечание",
            "Совет",
            "Важно",
            "Предупреждение",
            "Осторожно",
            "Список литературы",
            "Содержание",
            "Примечания",
            "Обложка",
        ],
    ),
    (
        "uk",
        [
            "Примітка",
            "Порада",
            "Важливо",
            "Попередження",
            "Обережно",
            "Список літератури",
            "Зміст",
            "Примітки",
            "Обкладинка",
        ],
    ),
    (
        "zh",
        [
            "备注",
            "提示",
            "重要",
            "警告",
            "注意",
            "参考文献",
            "目录",
            "注释",
            "封面",
        ],
    ),
    (
        "zh-Hant",
        [
            "備註",
            "提示",
            "重要",
            "警告",
            "注意",
            "參考文獻",
            "目錄",
            "註釋",
            "封面",
        ],
    ),
    (
        "ja",
        [
            "注記",
            "ヒント",
            "重要",
            "警告",
            "注意",
            "参考文献",
            "目次",
            "注",
            "表紙",
        ],
    ),
    (
        "ko",
        [
            "참고",
            "팁",
            "중요",
            "경고",
            "주의",
            "참고 문헌",
            "목차",
            "주석",
            "표지",
        ],
    ),
    (
        "ar",
        [
            "ملاحظة",
            "نصيحة",
            "مهم",
            "تحذير",
            "تنبيه",
            "المراجع",
            "المحتويات",
            "الحواشي",
            "الغلاف",
        ],
    ),
    (
        "fa",
        [
            "یادداشت",
            "نکته",
            "مهم",
            "هشدار",
            "احتیاط",
            "منابع",
            "فهرست مطالب",
            "یادداشت‌ها",
            "جلد",
        ],
    ),
    (
        "he",
        [
            "הערה",
            "טיפ",
            "חשוב",
            "אזהרה",
            "זהירות",
            "מקורות",
            "תוכן העניינים",
            "הערות",
            "כריכה",
        ],
    ),
];

/// The labels for a BCP 47 language tag (`fr`, `pt-BR`, `zh-Hant-TW`, `iw`).
pub fn labels(language: &str) -> Labels {
    let w = words(language);
    Labels {
        note: w[0].into(),
        tip: w[1].into(),
        important: w[2].into(),
        warning: w[3].into(),
        caution: w[4].into(),
        references: w[5].into(),
        contents: w[6].into(),
        notes: w[7].into(),
        cover: w[8].into(),
    }
}

/// Whether the table has the language's own words (else they are English).
pub fn has_words(language: &str) -> bool {
    table_words(language).is_some()
}

fn words(language: &str) -> Words {
    table_words(language).unwrap_or(ENGLISH)
}

fn table_words(language: &str) -> Option<Words> {
    let mut subtags = language.split(['-', '_']).map(str::to_ascii_lowercase);
    let primary = subtags.next().unwrap_or_default();
    // Codes ISO 639 withdrew, still written (the Contributor Covenant's `iw`).
    let primary = match primary.as_str() {
        "iw" => "he".to_string(),
        "ji" => "yi".to_string(),
        "in" => "id".to_string(),
        _ => primary,
    };
    let key =
        if primary == "zh" && subtags.any(|s| matches!(s.as_str(), "hant" | "tw" | "hk" | "mo")) {
            "zh-Hant".to_string()
        } else {
            primary
        };
    TABLE.iter().find(|(tag, _)| *tag == key).map(|(_, w)| *w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_follow_the_primary_language_and_fall_back_to_english() {
        assert_eq!(labels("en").note, "Note");
        assert_eq!(labels("en-GB").references, "References");
        assert_eq!(labels("fr-CA").warning, "Avertissement");
        assert_eq!(labels("pt-BR").tip, "Dica");
        assert_eq!(labels("de").references, "Literatur");
        assert_eq!(labels("iw").caution, "זהירות");
        assert_eq!(labels("fa-IR").note, "یادداشت");
        assert_eq!(labels("zh-CN").references, "参考文献");
        assert_eq!(labels("zh-Hant-TW").references, "參考文獻");
        assert_eq!(labels("zh-TW").references, "參考文獻");
        assert_eq!(labels("sw").important, "Important");
        assert_eq!(labels("").note, "Note");
    }

    #[test]
    fn the_table_has_each_language_once() {
        let mut tags: Vec<&str> = TABLE.iter().map(|(t, _)| *t).collect();
        tags.sort();
        tags.dedup();
        assert_eq!(tags.len(), TABLE.len());
        for needed in [
            "en", "fr", "de", "es", "it", "pt", "nl", "ru", "zh", "ja", "ko", "ar", "fa", "he",
        ] {
            assert!(tags.contains(&needed), "{needed}");
        }
    }
}
