//! Step 6 of resolve: the author's cover image, sniffed and added to the
//! resources. An SVG cover with scripts, or a file that is no image, is an error.

use crate::diag::{Code, Diagnostic};
use crate::load::Loaded;
use crate::model::{MediaType, Resource};

use super::links;

/// The index of the cover in `resources`, when the book names one.
pub fn resolve(
    loaded: &Loaded,
    resources: &mut Vec<Resource>,
    diags: &mut Vec<Diagnostic>,
) -> Option<usize> {
    let (path, data, span) = loaded.cover.as_ref()?;
    let refuse = |why: &str| {
        Diagnostic::error(Code::E0011, format!("cover `{}` {why}", path.display())).at(span.clone())
    };
    match links::sniff(data) {
        Some(MediaType::Svg) if links::scripted_svg(data) => {
            diags.push(refuse("is an SVG with scripts or event handlers"));
            None
        }
        Some(media_type) => {
            resources.push(Resource {
                name: format!("images/cover.{}", media_type.extension()),
                media_type,
                data: data.clone(),
            });
            Some(resources.len() - 1)
        }
        None => {
            diags.push(refuse("is not a PNG, JPEG, GIF, WebP or SVG image"));
            None
        }
    }
}
