//! Code as the book shows it: in Rust code, the lines rustdoc and mdBook hide
//! (`# ` lines that make an example compile) are left out of both editions, and
//! `##` at the start of a line shows as `#`, as mdBook's rule has it; then each
//! block in a language syntect knows is highlighted, once, for both editions.
//!
//! Highlighting: the block's language is the first word of its info string
//! (`rust,ignore` is Rust); syntect parses it with the grammars bat curates
//! (two-face: syntect's defaults and TOML, TypeScript, Dockerfile ...), with the
//! pure-Rust regex engine. Each stretch takes the class of its innermost TextMate
//! scope that maps to one of the model's few [`Highlight`] classes: the editions
//! choose the colours. The grammars (a megabyte) are read once, on the first block
//! in a language, so a book without code pays nothing; parts are highlighted in
//! parallel. Code in a language no grammar knows stays plain, without a warning: a
//! book's `text` or `console` blocks are not mistakes.
//!
//! Does not choose colours or write markup.

use std::collections::HashMap;
use std::sync::{mpsc, Arc, Mutex, OnceLock};
use std::time::Duration;

use rayon::prelude::*;
use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxReference, SyntaxSet};

use crate::model::{Block, Highlight, Part, Token};

/// How long one block may take to highlight before it is left plain. syntect's
/// parser can loop for ever on some inputs (its JavaScript grammar on a block
/// `{ "a": 1 /* c */ }`), and the book must still be bound; an ordinary block
/// takes milliseconds, a listing of a thousand lines a fraction of a second.
const PATIENCE: Duration = Duration::from_secs(10);

/// Info-string words that mean plain text, and the languages whose grammar
/// would colour a session's output as if it were a program (a console's prompts
/// and answers), left plain rather than mis-coloured.
const PLAIN: &[&str] = &[
    "text",
    "txt",
    "plain",
    "plaintext",
    "console",
    "output",
    "shell-session",
    "terminal",
];

/// Names books use for a language that differ from its grammar's names and file
/// extensions (what syntect looks up by).
const ALIASES: &[(&str, &str)] = &[
    ("shell", "sh"),
    ("zsh", "sh"),
    // JavaScript by the TypeScript grammar, a superset: syntect loops for ever
    // with its JavaScript grammar on a block such as `{ "a": 1 /* c */ }` (a
    // tsconfig.json shown as `javascript`).
    ("js", "ts"),
    ("javascript", "ts"),
    ("mjs", "ts"),
    ("cjs", "ts"),
    ("node", "ts"),
    ("jsx", "tsx"),
    ("ts", "ts"),
    ("typescript", "ts"),
    ("json5", "json"),
    ("jsonc", "json"),
    ("yml", "yaml"),
    ("dockerfile", "Dockerfile"),
    ("docker", "Dockerfile"),
    ("c++", "cpp"),
    ("golang", "go"),
    ("hbs", "handlebars"),
    ("py", "py"),
    ("python3", "py"),
    ("md", "md"),
    ("patch", "diff"),
    ("html5", "html"),
    ("ps1", "ps1"),
    ("powershell", "ps1"),
];

/// Hides the hidden lines of every Rust code block in the parts.
pub fn hide_lines(parts: &mut [Part]) {
    for p in parts {
        p.for_each_block_mut(&mut |b| {
            if let Block::Code {
                language: Some(lang),
                text,
                ..
            } = b
            {
                if is_rust(lang) {
                    *text = hide_rust_lines(text);
                }
            }
        });
    }
}

/// `rust`, `rust,ignore`, `rust,edition2018,no_run`: the first word is the language.
fn is_rust(info: &str) -> bool {
    info.split([',', ' ']).next() == Some("rust")
}

/// Code blocks as the last build highlighted them, for the next (`watch`):
/// their stretches by the block's language and text (None: the block took
/// longer than [`PATIENCE`] and stays plain). Highlighting is most of the
/// build of a book of code (two thirds of the Rust Cookbook's), and an edit
/// changes few blocks. Holds the last build's blocks only.
#[derive(Default)]
pub struct Highlights {
    kept: HashMap<u128, Option<Vec<Token>>>,
    /// Blocks highlighted by the last build, and those of them taken from
    /// the build before.
    pub blocks: usize,
    pub reused: usize,
}

/// What a block's highlighting depends on: its language (the grammar's name
/// as the book gives it) and its text; the grammars are the program's own.
fn block_key(name: &str, text: &str) -> u128 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(name.as_bytes());
    h.update(&[0]);
    h.update(text.as_bytes());
    h.digest128()
}

/// Highlights every code block of the parts that is in a language a grammar
/// knows; the parts in parallel. A block that takes longer than [`PATIENCE`] is
/// left plain, with a warning (W0140) naming its part and language: the only
/// place where how fast the machine is could change the output. With `kept`,
/// a block the last build highlighted is taken from it (the same stretches:
/// the grammars and the text are the same), and this build's are left there.
pub fn highlight(
    parts: &mut [Part],
    kept: Option<&mut Highlights>,
    diags: &mut Vec<crate::diag::Diagnostic>,
) {
    // Read on the first block in a language (most books have none).
    let set: OnceLock<Arc<SyntaxSet>> = OnceLock::new();
    let earlier = kept.as_deref().map(|k| &k.kept);
    let keep = kept.is_some();
    // Per part: the blocks too slow to highlight (its title, the language),
    // and, when kept, each block's key, stretches and whether it was reused.
    type Slow = Vec<(String, String)>;
    type Done = Vec<(u128, Option<Vec<Token>>, bool)>;
    let done: Vec<(Slow, Done)> = parts
        .par_iter_mut()
        .map(|p| {
            let mut slow = Vec::new();
            let mut done = Vec::new();
            let title = p.title.clone();
            p.for_each_block_mut(&mut |b| {
                if let Block::Code {
                    language: Some(info),
                    text,
                    tokens,
                } = b
                {
                    let Some(name) = language(info) else {
                        return;
                    };
                    let key = keep.then(|| block_key(&name, text));
                    let (made, reused) = match key.and_then(|k| earlier?.get(&k)) {
                        Some(made) => (made.clone(), true),
                        None => {
                            let set = set.get_or_init(syntaxes);
                            let Some(syntax) = find(set, &name) else {
                                return;
                            };
                            (highlight_patiently(text, set, syntax), false)
                        }
                    };
                    match &made {
                        Some(t) => t.clone_into(tokens),
                        None => slow.push((title.clone(), name)),
                    }
                    if let Some(k) = key {
                        done.push((k, made, reused));
                    }
                }
            });
            (slow, done)
        })
        .collect();
    let mut now = HashMap::new();
    let (mut blocks, mut reused) = (0, 0);
    for (slow, done) in done {
        for (title, name) in slow {
            diags.push(crate::diag::Diagnostic::warning(
                crate::diag::Code::W0140,
                format!(
                    "a {name} code block in “{title}” took longer than {} s to highlight and is printed without colours",
                    PATIENCE.as_secs()
                ),
            ));
        }
        for (key, made, again) in done {
            blocks += 1;
            reused += usize::from(again);
            now.insert(key, made);
        }
    }
    if let Some(k) = kept {
        *k = Highlights {
            kept: now,
            blocks,
            reused,
        };
    }
}

/// The grammars, read on first use and kept for the builds after (`watch`):
/// each grammar's patterns are compiled as it is first used, and kept with it.
static SET: Mutex<Option<Arc<SyntaxSet>>> = Mutex::new(None);

fn syntaxes() -> Arc<SyntaxSet> {
    let mut set = SET.lock().unwrap_or_else(|e| e.into_inner());
    set.get_or_insert_with(|| Arc::new(two_face::syntax::extra_newlines()))
        .clone()
}

/// Forgets the grammars and the patterns compiled from them (tens of
/// megabytes for a book in a few languages: a Java book's were a fifth of its
/// build's peak), once the blocks are highlighted, when no build will follow.
/// A build still highlighting keeps its own until it is done.
pub fn forget_grammars() {
    SET.lock().unwrap_or_else(|e| e.into_inner()).take();
}

/// The language an info string names, lowercase: its first word (`rust,ignore`,
/// pandoc's `{.python .numberLines}`), None for plain text.
fn language(info: &str) -> Option<String> {
    let word = info
        .trim_start()
        .trim_start_matches('{')
        .trim_start_matches('.')
        .split([',', ' ', '\t', '{', '}'])
        .next()?
        .to_ascii_lowercase();
    (!word.is_empty() && !PLAIN.contains(&word.as_str())).then_some(word)
}

/// The grammar of a language, by an alias, a file extension or its name: its
/// index in the set.
fn find(set: &SyntaxSet, name: &str) -> Option<usize> {
    let token = ALIASES
        .iter()
        .find(|(alias, _)| *alias == name)
        .map_or(name, |(_, to)| *to);
    let found = set
        .find_syntax_by_token(token)
        .or_else(|| set.find_syntax_by_name(name))
        .filter(|s| s.name != "Plain Text")?;
    set.syntaxes().iter().position(|s| std::ptr::eq(s, found))
}

/// The highlighted stretches of `text`, by this thread's highlighting worker:
/// None if they take longer than [`PATIENCE`] (the worker is left to its loop and
/// the next block gets a new one). One long-lived worker per thread, rather than a
/// thread per block: the regex engine keeps its caches per thread.
fn highlight_patiently(text: &str, set: &Arc<SyntaxSet>, syntax: usize) -> Option<Vec<Token>> {
    thread_local! {
        static WORKER: std::cell::RefCell<Option<Worker>> = const { std::cell::RefCell::new(None) };
    }
    WORKER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            *slot = Worker::spawn();
        }
        let worker = slot.as_ref()?;
        let answer = match worker.jobs.send((text.to_string(), set.clone(), syntax)) {
            Ok(()) => worker.results.recv_timeout(PATIENCE).ok(),
            Err(_) => None,
        };
        if answer.is_none() {
            *slot = None;
        }
        answer
    })
}

/// A thread that highlights the blocks sent to it, one after the other.
/// A job holds the grammars it is highlighted with, so that they outlive a
/// worker left to its loop, and are freed with the last job once forgotten.
type Job = (String, Arc<SyntaxSet>, usize);

struct Worker {
    jobs: mpsc::Sender<Job>,
    results: mpsc::Receiver<Vec<Token>>,
}

impl Worker {
    fn spawn() -> Option<Worker> {
        let (jobs, incoming) = mpsc::channel::<Job>();
        let (done, results) = mpsc::channel();
        std::thread::Builder::new()
            .name("highlight".into())
            .spawn(move || {
                let mut classes = Classes::default();
                for (text, set, syntax) in incoming {
                    let tokens = match set.syntaxes().get(syntax) {
                        Some(s) => highlight_text(&text, s, &set, &mut classes),
                        None => Vec::new(),
                    };
                    drop(set);
                    if done.send(tokens).is_err() {
                        break;
                    }
                }
            })
            .ok()?;
        Some(Worker { jobs, results })
    }
}

/// The highlighted stretches of `text`; none if the grammar fails on it.
fn highlight_text(
    text: &str,
    syntax: &SyntaxReference,
    set: &SyntaxSet,
    classes: &mut Classes,
) -> Vec<Token> {
    let mut state = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let mut tokens: Vec<Token> = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let Ok(ops) = state.parse_line(line, set) else {
            return Vec::new();
        };
        let mut at = 0;
        for (pos, op) in ops {
            let class = classes.of(&stack, &line[at..pos]);
            push(&mut tokens, offset + at, offset + pos, class);
            if stack.apply(&op).is_err() {
                return Vec::new();
            }
            at = pos;
        }
        let class = classes.of(&stack, &line[at..]);
        push(&mut tokens, offset + at, offset + line.len(), class);
        offset += line.len();
    }
    tokens
}

/// Adds a stretch, joined to the one before when it continues it in its class.
fn push(tokens: &mut Vec<Token>, start: usize, end: usize, class: Option<Highlight>) {
    let Some(class) = class else {
        return;
    };
    if end <= start {
        return;
    }
    match tokens.last_mut() {
        Some(t) if t.end == start && t.class == class => t.end = end,
        _ => tokens.push(Token { start, end, class }),
    }
}

/// What a scope makes of the text it covers.
#[derive(Debug, Clone, Copy)]
enum Rule {
    Class(Highlight),
    /// No class of its own: the scope around it decides.
    Skip,
    /// An operator: a word (`as`, `in`, `new`, `not`) is a keyword, a sign is
    /// no class.
    Operator,
    /// Many grammars scope `let`, `const` and `fn` as they scope `i32` and
    /// `int`: the declaring words are keywords, the rest types.
    Storage,
}

/// TextMate scope prefixes and what each makes of its text, the first that
/// matches winning.
const SCOPES: &[(&str, Rule)] = &[
    ("comment", Rule::Class(Highlight::Comment)),
    (
        "punctuation.definition.comment",
        Rule::Class(Highlight::Comment),
    ),
    ("constant.numeric", Rule::Class(Highlight::Number)),
    ("constant", Rule::Class(Highlight::Constant)),
    ("support.constant", Rule::Class(Highlight::Constant)),
    ("variable.language", Rule::Class(Highlight::Keyword)),
    ("string", Rule::Class(Highlight::String)),
    ("keyword.operator.word", Rule::Class(Highlight::Keyword)),
    ("keyword.operator", Rule::Operator),
    ("keyword", Rule::Class(Highlight::Keyword)),
    ("storage.modifier", Rule::Class(Highlight::Keyword)),
    ("storage.type.function", Rule::Class(Highlight::Keyword)),
    ("storage.type.class", Rule::Class(Highlight::Keyword)),
    ("storage.type.struct", Rule::Class(Highlight::Keyword)),
    ("storage.type.enum", Rule::Class(Highlight::Keyword)),
    ("storage.type.trait", Rule::Class(Highlight::Keyword)),
    ("storage.type.impl", Rule::Class(Highlight::Keyword)),
    ("storage.type.interface", Rule::Class(Highlight::Keyword)),
    ("storage.type.module", Rule::Class(Highlight::Keyword)),
    ("storage.type.namespace", Rule::Class(Highlight::Keyword)),
    ("storage.type.type", Rule::Class(Highlight::Keyword)),
    ("storage.type", Rule::Storage),
    ("entity.name.function", Rule::Class(Highlight::Function)),
    ("support.function", Rule::Class(Highlight::Function)),
    ("variable.function", Rule::Class(Highlight::Function)),
    ("support.macro", Rule::Class(Highlight::Function)),
    ("entity.name.macro", Rule::Class(Highlight::Function)),
    ("entity.name.tag", Rule::Class(Highlight::Tag)),
    (
        "entity.other.attribute-name",
        Rule::Class(Highlight::Attribute),
    ),
    ("meta.attribute", Rule::Class(Highlight::Attribute)),
    ("meta.annotation", Rule::Class(Highlight::Attribute)),
    ("meta.decorator", Rule::Class(Highlight::Attribute)),
    ("entity.name", Rule::Class(Highlight::Type)),
    ("entity.other.inherited-class", Rule::Class(Highlight::Type)),
    ("support.type", Rule::Class(Highlight::Type)),
    ("support.class", Rule::Class(Highlight::Type)),
    ("markup.inserted", Rule::Class(Highlight::Inserted)),
    ("markup.deleted", Rule::Class(Highlight::Deleted)),
    ("markup.heading", Rule::Class(Highlight::Keyword)),
    ("punctuation", Rule::Skip),
];

/// Words that declare, which grammars often scope as types (see [`Rule::Storage`]).
const DECLARING: &[&str] = &[
    "let",
    "const",
    "static",
    "var",
    "val",
    "fn",
    "func",
    "function",
    "def",
    "class",
    "struct",
    "enum",
    "union",
    "type",
    "typedef",
    "impl",
    "trait",
    "mod",
    "module",
    "interface",
    "namespace",
    "package",
    "extern",
    "crate",
    "use",
    "dyn",
    "where",
];

/// Each scope's rule, looked up once: a book has few distinct scopes and
/// millions of stretches.
#[derive(Default)]
struct Classes(HashMap<Scope, Option<Rule>>);

impl Classes {
    /// The class of `text` under the stack: that of its innermost scope that
    /// gives one.
    fn of(&mut self, stack: &ScopeStack, text: &str) -> Option<Highlight> {
        for &scope in stack.as_slice().iter().rev() {
            let rule = *self
                .0
                .entry(scope)
                .or_insert_with(|| rule_of(&scope.build_string()));
            match rule {
                Some(Rule::Class(c)) => return Some(c),
                Some(Rule::Operator) if is_word(text) => return Some(Highlight::Keyword),
                Some(Rule::Storage) => {
                    return Some(if DECLARING.contains(&text.trim()) {
                        Highlight::Keyword
                    } else {
                        Highlight::Type
                    })
                }
                _ => {}
            }
        }
        None
    }
}

/// Letters only (`as`, `instanceof`), around spaces.
fn is_word(text: &str) -> bool {
    let t = text.trim();
    !t.is_empty() && t.chars().all(char::is_alphabetic)
}

/// The rule of one scope name: the first prefix of [`SCOPES`] it starts with, by
/// whole dotted atoms.
fn rule_of(scope: &str) -> Option<Rule> {
    SCOPES.iter().find_map(|&(prefix, rule)| {
        let atoms = scope.strip_prefix(prefix)?;
        (atoms.is_empty() || atoms.starts_with('.')).then_some(rule)
    })
}

/// mdBook's rule: a line `#` or `# …` (after its indentation) is hidden; `##…`
/// shows as `#…`; `#[attr]` and `#!` stay.
fn hide_rust_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let body = line.trim_start();
        let indent = &line[..line.len() - body.len()];
        if let Some(after) = body.strip_prefix('#') {
            if after.starts_with('#') {
                out.push_str(indent);
                out.push_str(after);
                continue;
            }
            if after.is_empty() || after.starts_with([' ', '\n', '\r']) {
                continue;
            }
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` highlighted as `lang`: each stretch's text and class.
    fn classes(lang: &str, text: &str) -> Vec<(String, Highlight)> {
        let set = syntaxes();
        let name = language(lang).expect("a language");
        let syntax = &set.syntaxes()[find(&set, &name).expect("a grammar")];
        highlight_text(text, syntax, &set, &mut Classes::default())
            .into_iter()
            .map(|t| (text[t.start..t.end].to_string(), t.class))
            .collect()
    }

    /// A chapter of code blocks, in `(info string, text)`.
    fn code_part(blocks: &[(&str, &str)]) -> Part {
        let mut p = crate::resolve::parts::empty_part(
            crate::model::PartKind::Chapter,
            crate::model::Role::Chapter,
            "code",
            "Code",
            true,
        );
        p.blocks = blocks
            .iter()
            .map(|(info, text)| Block::Code {
                language: Some(info.to_string()),
                text: text.to_string(),
                tokens: Vec::new(),
            })
            .collect();
        p
    }

    fn tokens_of(parts: &[Part]) -> Vec<Vec<Token>> {
        let mut all = Vec::new();
        for p in parts {
            for b in &p.blocks {
                if let Block::Code { tokens, .. } = b {
                    all.push(tokens.clone());
                }
            }
        }
        all
    }

    #[test]
    fn a_rebuild_highlights_again_only_the_blocks_that_changed() {
        let blocks = [
            ("rust", "fn main() {\n    let x = 1;\n}\n"),
            ("python", "def f(x):\n    return x  # done\n"),
            ("text", "plain words\n"),
            ("rust", "struct S;\n"),
        ];
        let fresh = |blocks: &[(&str, &str)]| {
            let mut parts = vec![code_part(blocks)];
            highlight(&mut parts, None, &mut Vec::new());
            parts
        };
        let mut kept = Highlights::default();
        let mut first = vec![code_part(&blocks)];
        highlight(&mut first, Some(&mut kept), &mut Vec::new());
        assert_eq!(
            (kept.blocks, kept.reused),
            (3, 0),
            "text is not highlighted"
        );
        assert_eq!(tokens_of(&first), tokens_of(&fresh(&blocks)));
        assert!(tokens_of(&first)[0]
            .iter()
            .any(|t| t.class == Highlight::Keyword));
        // The same text in another language is another block.
        let mut edited = blocks;
        edited[1] = ("python", "def g(y):\n    return y\n");
        edited[3] = ("c", "struct S;\n");
        let mut second = vec![code_part(&edited)];
        highlight(&mut second, Some(&mut kept), &mut Vec::new());
        assert_eq!((kept.blocks, kept.reused), (3, 1));
        assert_eq!(tokens_of(&second), tokens_of(&fresh(&edited)));
        // Only the last build's blocks are kept: the first python block is gone.
        let mut third = vec![code_part(&blocks)];
        highlight(&mut third, Some(&mut kept), &mut Vec::new());
        assert_eq!((kept.blocks, kept.reused), (3, 1));
        assert_eq!(tokens_of(&third), tokens_of(&first));
    }

    #[test]
    fn rust_and_python_get_keywords_strings_comments_and_numbers() {
        let rust = classes(
            "rust,ignore",
            "#[derive(Debug)]\nfn main() {\n    let x: i32 = 42; // note\n    println!(\"hi\");\n    x as u8\n}\n",
        );
        let has = |v: &[(String, Highlight)], text: &str, class: Highlight| {
            v.iter().any(|(t, c)| t.trim() == text && *c == class)
        };
        assert!(has(&rust, "fn", Highlight::Keyword), "{rust:?}");
        assert!(has(&rust, "let", Highlight::Keyword), "{rust:?}");
        assert!(has(&rust, "as", Highlight::Keyword), "{rust:?}");
        assert!(has(&rust, "i32", Highlight::Type), "{rust:?}");
        assert!(has(&rust, "main", Highlight::Function), "{rust:?}");
        assert!(has(&rust, "42", Highlight::Number), "{rust:?}");
        assert!(has(&rust, "// note", Highlight::Comment), "{rust:?}");
        assert!(has(&rust, "\"hi\"", Highlight::String), "{rust:?}");
        assert!(
            has(&rust, "#[derive(Debug)]", Highlight::Attribute),
            "{rust:?}"
        );
        // `=` and `;` are plain.
        assert!(!rust.iter().any(|(t, _)| t.contains('=')), "{rust:?}");
        let py = classes(
            "python",
            "def f(x):\n    # c\n    return 'a' if x and 1 else None\n",
        );
        assert!(has(&py, "def", Highlight::Keyword), "{py:?}");
        assert!(has(&py, "return", Highlight::Keyword), "{py:?}");
        assert!(has(&py, "and", Highlight::Keyword), "{py:?}");
        assert!(has(&py, "# c", Highlight::Comment), "{py:?}");
        assert!(has(&py, "'a'", Highlight::String), "{py:?}");
        assert!(has(&py, "None", Highlight::Constant), "{py:?}");
    }

    #[test]
    fn javascript_that_loops_syntects_own_grammar_is_highlighted() {
        let js = classes("javascript", "{\n  \"a\": 1          /* c */\n}\n");
        assert!(
            js.iter()
                .any(|(t, c)| t == "/* c */" && *c == Highlight::Comment),
            "{js:?}"
        );
    }

    #[test]
    fn languages_come_from_the_first_word_and_plain_ones_stay_plain() {
        assert_eq!(language("rust,edition2018,no_run").as_deref(), Some("rust"));
        assert_eq!(
            language("{.Python .numberLines}").as_deref(),
            Some("python")
        );
        assert_eq!(language("console"), None);
        assert_eq!(language("text"), None);
        let set = syntaxes();
        for (lang, name) in [
            ("js", "TypeScript"),
            ("javascript", "TypeScript"),
            ("ts", "TypeScript"),
            ("typescript", "TypeScript"),
            ("toml", "TOML"),
            ("sh", "Bourne Again Shell (bash)"),
            ("shell", "Bourne Again Shell (bash)"),
            ("dockerfile", "Dockerfile"),
            ("yml", "YAML"),
            ("java", "Java"),
            ("json5", "JSON"),
            ("rs", "Rust"),
        ] {
            assert_eq!(
                find(&set, lang).map(|s| set.syntaxes()[s].name.as_str()),
                Some(name),
                "{lang}"
            );
        }
        assert!(find(&set, "no-such-language").is_none());
        // Highlighting is the same every time, and after the grammars were
        // forgotten (read again).
        let code = "fn a() { \"b\" }\n";
        let first = classes("rust", code);
        assert_eq!(first, classes("rust", code));
        forget_grammars();
        assert_eq!(first, classes("rust", code));
        assert!(!first.is_empty());
    }

    /// Highlights the blocks of a JSON file (`BLOCKS=`: [file, line, language,
    /// text] each) and names those that take long: for trying grammars on a corpus.
    #[test]
    #[ignore]
    fn blocks_from_file() {
        let Ok(path) = std::env::var("BLOCKS") else {
            return;
        };
        let data = std::fs::read_to_string(path).expect("blocks");
        let blocks: Vec<(String, usize, String, String)> =
            serde_json::from_str(&data).expect("json");
        let set = syntaxes();
        for (file, line, lang, text) in blocks {
            let Some(name) = language(&lang) else {
                continue;
            };
            let Some(syntax) = find(&set, &name) else {
                continue;
            };
            let t = std::time::Instant::now();
            highlight_patiently(&text, &set, syntax);
            if t.elapsed().as_millis() > 100 {
                eprintln!("SLOW {file}:{line} {lang} {:?}", t.elapsed());
            }
        }
    }

    /// Prints the grammars' names and the scopes of some samples: for tuning
    /// `SCOPES`.
    #[test]
    #[ignore]
    fn scopes_of_samples() {
        let set = syntaxes();
        let mut names: Vec<&str> = set.syntaxes().iter().map(|s| s.name.as_str()).collect();
        names.sort();
        eprintln!("{}", names.join(" | "));
        for (lang, text) in SAMPLES {
            let syntax = &set.syntaxes()[find(&set, lang).expect(lang)];
            let mut state = ParseState::new(syntax);
            let mut stack = ScopeStack::new();
            for line in text.split_inclusive('\n') {
                let ops = state.parse_line(line, &set).expect("parses");
                let mut at = 0;
                for (pos, op) in ops {
                    if pos > at {
                        let s: Vec<String> =
                            stack.as_slice().iter().map(|s| s.build_string()).collect();
                        eprintln!("{lang} {:?} {}", &line[at..pos], s.join(" "));
                    }
                    stack.apply(&op).expect("applies");
                    at = pos;
                }
            }
        }
    }

    const SAMPLES: &[(&str, &str)] = &[
        ("rust", "async fn f() { move || x.await }\n#[derive(Debug)]\npub struct P<T> { x: i32 }\nfn main() -> Result<(), String> {\n    let mut v = vec![1, 2];\n    // note\n    println!(\"{} {}\\n\", self.x, true);\n    Some(x).map(|y| y as u8)\n}\nconst MAX: u32 = 0x10;\n"),
        ("python", "import os\n@dataclass\nclass A(B):\n    def f(self, x):\n        # c\n        return x if x and not None else len('s')\n"),
        ("js", "const x = require('y');\nfunction f(a) { return new Foo(a) + 1; } // c\nclass A extends B {}\n"),
        ("ts", "interface A { x: number }\ntype B = string;\nlet y: A = foo<T>(3);\n"),
        ("toml", "[package]\nname = \"x\"\nversion = 1\n"),
        ("sh", "cargo build --release # c\nexport X=$HOME\nif [ -f x ]; then echo \"y\"; fi\n"),
        ("java", "public class A { private int x = 1; @Override void f() {} }\n"),
        ("dockerfile", "FROM rust:1.70\nRUN cargo build\n"),
        ("diff", "--- a\n+++ b\n-old\n+new\n"),
        ("json", "{\"a\": [1, true, \"s\"]}\n"),
        ("html", "<p class=\"x\">hi</p>\n"),
    ];

    #[test]
    fn hidden_lines_go_and_escaped_ones_show() {
        let code = "# use std::io;\n#\n#[derive(Debug)]\nfn main() {\n    # let x = 1;\n    ##![allow]\n    #!inner\n}\n";
        assert_eq!(
            hide_rust_lines(code),
            "#[derive(Debug)]\nfn main() {\n    #![allow]\n    #!inner\n}\n"
        );
        assert!(is_rust("rust,edition2018,no_run"));
        assert!(!is_rust("rusty"));
        assert!(!is_rust("python"));
    }
}
