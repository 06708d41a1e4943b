//! `serve`: the preview. The editions a build wrote, served on loopback: the
//! EPUB's documents as web pages with its own style sheet, pictures and fonts,
//! and the PDF; every page reloads itself when a rebuild lands, and shows the
//! errors of a rebuild that failed over the last good editions.
//!
//! Routes: `/` (the book's reading order and the PDF), `/epub/PATH` (a file of the
//! EPUB, by its path in the container), `/book.pdf`, `/_bookbind/status` (the
//! build number, `ok` or `failed`, then the diagnostics) and `/_bookbind/reload.js`
//! (which asks for the status every `POLL_MS` and reloads the page when the number
//! changes). Polling rather than a socket: it survives the server restarting, and
//! costs a few bytes a second.
//!
//! The server is tiny_http's; it listens only on a loopback address (`address`
//! refuses any other) and answers only requests whose `Host` names this
//! computer, as the preview is the author's and holds an unpublished book. Reads only the editions in memory, never the disk.

use std::io::{Cursor, Read};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};

use crate::xml::escape_text;

/// How often a page asks whether a rebuild landed.
pub const POLL_MS: u32 = 300;

/// The port the preview listens on unless told otherwise (mdBook's too).
pub const DEFAULT_PORT: u16 = 3000;

/// Threads answering requests: a page, its style sheet, fonts and pictures at once.
const THREADS: usize = 4;

/// Why the preview could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("the preview listens only on this computer (a loopback address such as 127.0.0.1 or ::1), not on `{0}`")]
    NotLoopback(String),
    #[error("`{0}` is not an IP address (use 127.0.0.1, ::1 or localhost)")]
    BadAddress(String),
    #[error(
        "cannot listen on {addr}: {reason} (choose another port with --port; 0 picks a free one)"
    )]
    Listen { addr: SocketAddr, reason: String },
}

/// The editions on show and the state of the last build, shared between the
/// builder and the request threads.
#[derive(Default)]
pub struct Shown {
    /// Counts builds: a page reloads when it changes.
    pub generation: u64,
    /// The last build failed: its diagnostics, as the terminal showed them.
    pub failure: Option<String>,
    pub title: String,
    pub epub: Option<Arc<Vec<u8>>>,
    pub pdf: Option<Arc<Vec<u8>>>,
}

/// A running preview.
pub struct Preview {
    pub addr: SocketAddr,
    pub shown: Arc<Mutex<Shown>>,
}

impl Preview {
    /// Shows what a round of watching built: its editions when it wrote them,
    /// else its errors over the last good ones; either way the pages reload.
    pub fn show(&self, round: &crate::watch::Round<'_>) {
        let mut shown = self.shown.lock().unwrap_or_else(|e| e.into_inner());
        shown.generation += 1;
        let report = round.report;
        if report.has_errors() {
            shown.failure = Some(crate::diag::render(&report.sources, &report.diagnostics));
            return;
        }
        shown.failure = None;
        if let Some(book) = &report.book {
            shown.title = book.meta.title.clone();
        }
        for (f, bytes) in &round.cache.editions {
            match f {
                crate::Format::Epub => shown.epub = Some(bytes.clone()),
                crate::Format::Pdf => shown.pdf = Some(bytes.clone()),
                crate::Format::Cover => {}
            }
        }
    }
}

/// The address to listen on: `address` (an IP address or `localhost`) and `port`;
/// refused unless it is a loopback address.
pub fn address(address: &str, port: u16) -> Result<SocketAddr, ServeError> {
    let ip: IpAddr = if address.eq_ignore_ascii_case("localhost") {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    } else {
        address
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse()
            .map_err(|_| ServeError::BadAddress(address.to_string()))?
    };
    if !ip.is_loopback() {
        return Err(ServeError::NotLoopback(address.to_string()));
    }
    Ok(SocketAddr::new(ip, port))
}

/// Starts answering requests on `addr` (which `address` made) on background
/// threads. `log` prints each request on stderr.
pub fn start(addr: SocketAddr, log: bool) -> Result<Preview, ServeError> {
    if !addr.ip().is_loopback() {
        return Err(ServeError::NotLoopback(addr.ip().to_string()));
    }
    let server = tiny_http::Server::http(addr).map_err(|e| ServeError::Listen {
        addr,
        reason: e.to_string(),
    })?;
    let addr = server
        .server_addr()
        .to_ip()
        .ok_or_else(|| ServeError::Listen {
            addr,
            reason: "not an IP socket".into(),
        })?;
    let server = Arc::new(server);
    let shown = Arc::new(Mutex::new(Shown::default()));
    for _ in 0..THREADS {
        let (server, shown) = (server.clone(), shown.clone());
        std::thread::spawn(move || {
            while let Ok(rq) = server.recv() {
                if log {
                    eprintln!("{} {}", rq.method(), rq.url());
                }
                let host = rq
                    .headers()
                    .iter()
                    .find(|h| h.field.equiv("Host"))
                    .map(|h| h.value.as_str().to_string());
                let answer = if host.as_deref().is_some_and(|h| !loopback_host(h)) {
                    Answer {
                        status: 403,
                        media_type: "text/plain; charset=utf-8",
                        body: Body::Owned(b"the preview answers only to this computer's own names (127.0.0.1, localhost, [::1])\n".to_vec()),
                    }
                } else {
                    answer(rq.url(), &shown)
                };
                let _ = rq.respond(answer.into_response());
            }
        });
    }
    Ok(Preview { addr, shown })
}

/// Whether a request's `Host` names this computer: a web page elsewhere that
/// points its own name at 127.0.0.1 (DNS rebinding) must not read the preview,
/// as Vite's and webpack's development servers also refuse.
fn loopback_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(n, _)| n),
    };
    name.eq_ignore_ascii_case("localhost")
        || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// A response before it is sent.
struct Answer {
    status: u16,
    media_type: &'static str,
    body: Body,
}

enum Body {
    Owned(Vec<u8>),
    Shared(Arc<Vec<u8>>),
}

impl Answer {
    fn ok(media_type: &'static str, body: Vec<u8>) -> Answer {
        Answer {
            status: 200,
            media_type,
            body: Body::Owned(body),
        }
    }
    fn not_found(what: &str) -> Answer {
        Answer {
            status: 404,
            media_type: "text/plain; charset=utf-8",
            body: Body::Owned(format!("not found: {what}\n").into_bytes()),
        }
    }
    fn into_response(self) -> tiny_http::Response<Cursor<Vec<u8>>> {
        let bytes = match self.body {
            Body::Owned(b) => b,
            Body::Shared(b) => b.as_ref().clone(),
        };
        let header = |k: &str, v: &str| {
            tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()).expect("ASCII header")
        };
        tiny_http::Response::from_data(bytes)
            .with_status_code(self.status)
            .with_header(header("Content-Type", self.media_type))
            // The preview changes under the browser: never from its cache.
            .with_header(header("Cache-Control", "no-store"))
    }
}

/// The answer to a GET of `url`.
fn answer(url: &str, shown: &Mutex<Shown>) -> Answer {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let path = percent_decode(path);
    let (generation, failure, title, epub, pdf) = {
        let s = shown.lock().unwrap_or_else(|e| e.into_inner());
        (
            s.generation,
            s.failure.clone(),
            s.title.clone(),
            s.epub.clone(),
            s.pdf.clone(),
        )
    };
    match path.as_str() {
        "/" | "/index.html" => Answer::ok(
            "text/html; charset=utf-8",
            index(
                &title,
                epub.as_deref().map(Vec::as_slice),
                pdf.is_some(),
                failure.as_deref(),
                generation,
            )
            .into_bytes(),
        ),
        "/_bookbind/status" => Answer::ok(
            "text/plain; charset=utf-8",
            format!(
                "{generation}\n{}\n{}",
                if failure.is_some() { "failed" } else { "ok" },
                failure.unwrap_or_default()
            )
            .into_bytes(),
        ),
        "/_bookbind/reload.js" => {
            Answer::ok("text/javascript; charset=utf-8", reload_js(shown_with(url)))
        }
        "/book.pdf" => match pdf {
            Some(pdf) => Answer {
                status: 200,
                media_type: "application/pdf",
                body: Body::Shared(pdf),
            },
            None => Answer::not_found("the PDF (no build has written one yet)"),
        },
        p if p.starts_with("/epub/") => {
            let name = &p["/epub/".len()..];
            let Some(epub) = epub else {
                return Answer::not_found("the EPUB (no build has written one yet)");
            };
            match epub_file(&epub, name) {
                Some(bytes) => {
                    let media_type = media_type(name);
                    let bytes = if media_type.starts_with("application/xhtml+xml") {
                        with_reload(bytes, generation)
                    } else {
                        bytes
                    };
                    Answer::ok(media_type, bytes)
                }
                None => Answer::not_found(name),
            }
        }
        other => Answer::not_found(other),
    }
}

/// The index: the title, the EPUB's reading order (each document by its
/// `<title>`), the PDF, and the last build's errors if it failed.
fn index(
    title: &str,
    epub: Option<&[u8]>,
    pdf: bool,
    failure: Option<&str>,
    generation: u64,
) -> String {
    let mut out = String::from("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"/>");
    out += &format!(
        "<title>{} — preview</title>{}\
         <style>body{{font-family:serif;max-width:40em;margin:2em auto;padding:0 1em}}\
         li{{margin:.2em 0}}</style></head><body>",
        escape_text(title),
        reload_tag(generation)
    );
    out += &format!("<h1>{}</h1>", escape_text(title));
    if let Some(f) = failure {
        out += &format!(
            "<p><strong>The last rebuild failed</strong>; these are the last good editions.</p><pre>{}</pre>",
            escape_text(f)
        );
    }
    if pdf {
        out += "<p><a href=\"/book.pdf\">The print edition (PDF)</a></p>";
    }
    if let Some(epub) = epub {
        out += "<h2>The e-book, in reading order</h2><ol>";
        for (path, name) in reading_order(epub) {
            out += &format!(
                "<li><a href=\"/epub/{}\">{}</a></li>",
                escape_text(&path),
                escape_text(&name)
            );
        }
        out += "</ol>";
    } else if !pdf {
        out += "<p>No edition has been built yet.</p>";
    }
    out += "</body></html>\n";
    out
}

/// The EPUB's spine: each document's path in the container and its title.
fn reading_order(epub: &[u8]) -> Vec<(String, String)> {
    let Some(opf_path) = epub_file(epub, "META-INF/container.xml")
        .and_then(|c| attribute(&String::from_utf8_lossy(&c), "full-path"))
    else {
        return Vec::new();
    };
    let Some(opf) = epub_file(epub, &opf_path).map(|b| String::from_utf8_lossy(&b).into_owned())
    else {
        return Vec::new();
    };
    let base = opf_path.rsplit_once('/').map_or("", |(d, _)| d);
    let items: Vec<(String, String)> = tags(&opf, "<item ")
        .filter_map(|t| Some((attribute(t, "id")?, attribute(t, "href")?)))
        .collect();
    tags(&opf, "<itemref ")
        .filter_map(|t| attribute(t, "idref"))
        .filter_map(|id| items.iter().find(|(i, _)| *i == id))
        .map(|(_, href)| {
            let path = if base.is_empty() {
                href.clone()
            } else {
                format!("{base}/{href}")
            };
            let title = epub_file(epub, &path)
                .and_then(|x| {
                    let x = String::from_utf8_lossy(&x).into_owned();
                    let start = x.find("<title>")? + "<title>".len();
                    let end = start + x[start..].find("</title>")?;
                    Some(unescape(&x[start..end]))
                })
                .filter(|t| !t.trim().is_empty())
                .unwrap_or_else(|| href.clone());
            (path, title)
        })
        .collect()
}

/// The start tags beginning with `open` in `xml` (our own package document: one
/// tag never spans a `>` inside an attribute).
fn tags<'a>(xml: &'a str, open: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    xml.match_indices(open).filter_map(move |(i, _)| {
        let end = xml[i..].find('>')?;
        Some(&xml[i..i + end])
    })
}

/// The value of attribute `name` in a start tag.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let end = start + tag[start..].find('"')?;
    Some(unescape(&tag[start..end]))
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// A file of the EPUB by its path in the container.
fn epub_file(epub: &[u8], name: &str) -> Option<Vec<u8>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(epub)).ok()?;
    let mut f = zip.by_name(name).ok()?;
    let mut out = Vec::with_capacity(f.size() as usize);
    f.read_to_end(&mut out).ok()?;
    Some(out)
}

/// An XHTML document with the reload script in its head.
fn with_reload(xhtml: Vec<u8>, generation: u64) -> Vec<u8> {
    let text = String::from_utf8_lossy(&xhtml);
    match text.find("</head>") {
        Some(i) => {
            let mut out = String::with_capacity(text.len() + 64);
            out += &text[..i];
            out += &reload_tag(generation);
            out += &text[i..];
            out.into_bytes()
        }
        None => xhtml,
    }
}

/// The script element every page carries, naming the build it was served from.
fn reload_tag(generation: u64) -> String {
    format!("<script src=\"/_bookbind/reload.js?shown={generation}\"></script>")
}

/// The build a page was served from, as its script's address says
/// (`reload.js?shown=N`).
fn shown_with(url: &str) -> Option<u64> {
    let (_, query) = url.split_once('?')?;
    query
        .split('&')
        .find_map(|kv| kv.strip_prefix("shown="))
        .and_then(|n| n.parse().ok())
}

/// The script every page carries: asks for the status, reloads the page when a
/// build landed after the one it was served from (`shown`: a build that lands
/// between serving the page and its first question still reloads it), and shows
/// a failed build's errors in a box over the page.
fn reload_js(shown: Option<u64>) -> Vec<u8> {
    let seen = shown.map_or("null".to_string(), |n| format!("\"{n}\""));
    format!(
        r#"(function () {{
  var seen = {seen};
  function box(text) {{
    var id = "bookbind-failure", el = document.getElementById(id);
    if (!text) {{ if (el) el.remove(); return; }}
    if (!el) {{
      el = document.createElementNS("http://www.w3.org/1999/xhtml", "pre");
      el.id = id;
      el.setAttribute("style", "position:fixed;left:0;right:0;bottom:0;max-height:40%;overflow:auto;margin:0;padding:.5em 1em;background:#fff0f0;color:#800;border-top:2px solid #c00;font:13px monospace;white-space:pre-wrap;z-index:99999");
      (document.body || document.documentElement).appendChild(el);
    }}
    el.textContent = "bookbind: the last rebuild failed; this is the last good edition.\n\n" + text;
  }}
  function poll() {{
    fetch("/_bookbind/status", {{ cache: "no-store" }}).then(function (r) {{ return r.text(); }}).then(function (t) {{
      var lines = t.split("\n"), gen = lines[0], ok = lines[1] === "ok";
      if (seen === null) seen = gen;
      else if (gen !== seen) {{ seen = gen; if (ok) {{ location.reload(); return; }} }}
      box(ok ? "" : lines.slice(2).join("\n"));
    }}).catch(function () {{}}).then(function () {{ setTimeout(poll, {POLL_MS}); }});
  }}
  poll();
}})();
"#
    )
    .into_bytes()
}

fn media_type(name: &str) -> &'static str {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "xhtml" | "html" => "application/xhtml+xml; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        "otf" => "font/otf",
        "ttf" => "font/ttf",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "opf" | "ncx" | "xml" => "application/xml",
        _ => "application/octet-stream",
    }
}

/// `%XX` escapes in a request path undone (file names with spaces or non-ASCII).
fn percent_decode(path: &str) -> String {
    let b = path.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_addresses_are_taken() {
        assert!(address("127.0.0.1", 0).is_ok());
        assert!(address("localhost", 3000).is_ok());
        assert!(address("::1", 0).is_ok());
        assert!(address("127.5.6.7", 0).is_ok());
        for bad in ["0.0.0.0", "::", "192.168.1.10", "8.8.8.8"] {
            assert!(
                matches!(address(bad, 0), Err(ServeError::NotLoopback(_))),
                "{bad}"
            );
        }
        assert!(matches!(
            address("example.org", 0),
            Err(ServeError::BadAddress(_))
        ));
        let wide = SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 0);
        assert!(matches!(
            start(wide, false),
            Err(ServeError::NotLoopback(_))
        ));
    }

    #[test]
    fn only_requests_naming_this_computer_are_answered() {
        for ok in [
            "127.0.0.1:3000",
            "localhost:3000",
            "LOCALHOST",
            "[::1]:3000",
            "127.0.0.1",
        ] {
            assert!(loopback_host(ok), "{ok}");
        }
        for bad in [
            "evil.example:3000",
            "192.168.1.2:3000",
            "[2001:db8::1]:3000",
            "example.org",
        ] {
            assert!(!loopback_host(bad), "{bad}");
        }
    }

    #[test]
    fn paths_are_percent_decoded() {
        assert_eq!(percent_decode("/epub/a%20b.xhtml"), "/epub/a b.xhtml");
        assert_eq!(percent_decode("/epub/%E4%B8%AD.xhtml"), "/epub/中.xhtml");
        assert_eq!(percent_decode("/a%2"), "/a%2");
    }

    #[test]
    fn the_reload_script_goes_into_the_head() {
        let out = with_reload(
            b"<html><head><title>x</title></head><body/></html>".to_vec(),
            7,
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<html><head><title>x</title><script src=\"/_bookbind/reload.js?shown=7\"></script></head><body/></html>"
        );
    }

    #[test]
    fn the_script_starts_from_the_build_its_page_was_served_from() {
        assert_eq!(shown_with("/_bookbind/reload.js?shown=12"), Some(12));
        assert_eq!(shown_with("/_bookbind/reload.js"), None);
        assert_eq!(shown_with("/_bookbind/reload.js?shown=x"), None);
        let js = String::from_utf8(reload_js(Some(12))).unwrap();
        assert!(js.contains("var seen = \"12\";"), "{js}");
        let js = String::from_utf8(reload_js(None)).unwrap();
        assert!(js.contains("var seen = null;"), "{js}");
    }
}
