//! What a rebuild reuses from the build before it (`watch`, `serve`): values
//! (a file's parse, a part's setting) by a key of everything they were made
//! from, each with a spare copy made while the author is between edits.
//!
//! A build consumes what it reuses (placing moves a part's lines onto the
//! pages), so a cached value must be copied for every build that reuses it.
//! Copying the novel's 387 unchanged parts was a sixth of a rebuild's work;
//! `prepare`, called once a rebuild's files are written, makes those copies
//! ahead, and the next rebuild takes them instead of cloning.

use std::collections::HashMap;

use rayon::prelude::*;

/// Values by key, each with at most one spare copy.
pub struct Kept<V> {
    values: HashMap<u64, V>,
    spare: HashMap<u64, V>,
}

impl<V> Default for Kept<V> {
    fn default() -> Self {
        Kept {
            values: HashMap::new(),
            spare: HashMap::new(),
        }
    }
}

impl<V: Clone + Send + Sync> Kept<V> {
    /// The value kept for `key`.
    pub fn get(&self, key: u64) -> Option<&V> {
        self.values.get(&key)
    }

    /// The spare copies of the values for `keys`, taken out in the keys' order
    /// (None where there is no spare: not kept, not prepared, or a key met
    /// twice). A build reuses these without cloning.
    pub fn take_spares(&mut self, keys: &[u64]) -> Vec<Option<V>> {
        keys.iter().map(|k| self.spare.remove(k)).collect()
    }

    /// Keeps one build's values and forgets the rest, so that the store holds
    /// one book: for each key, the value given (made anew by this build), or
    /// else the one kept before. Returns how many were given and how many kept
    /// from before.
    pub fn keep(&mut self, values: impl IntoIterator<Item = (u64, Option<V>)>) -> (usize, usize) {
        let mut kept = HashMap::with_capacity(self.values.len());
        let (mut fresh, mut reused) = (0, 0);
        for (key, value) in values {
            match value {
                Some(v) => {
                    fresh += 1;
                    // A new value for the key: its spare (if any) is out of date.
                    self.spare.remove(&key);
                    kept.insert(key, v);
                }
                None => {
                    if let Some(old) = self.values.remove(&key) {
                        reused += 1;
                        kept.insert(key, old);
                    }
                }
            }
        }
        self.values = kept;
        let values = &self.values;
        self.spare.retain(|k, _| values.contains_key(k));
        (fresh, reused)
    }

    /// Makes a spare copy of every value that has none, on every core.
    pub fn prepare(&mut self) {
        let missing: Vec<(u64, &V)> = self
            .values
            .iter()
            .filter(|(k, _)| !self.spare.contains_key(k))
            .map(|(k, v)| (*k, v))
            .collect();
        let copies: Vec<(u64, V)> = missing
            .into_par_iter()
            .map(|(k, v)| (k, v.clone()))
            .collect();
        self.spare.extend(copies);
    }

    /// Forgets every value and copy.
    pub fn clear(&mut self) {
        self.values.clear();
        self.spare.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::Kept;

    #[test]
    fn spares_are_taken_once_and_made_again_only_for_values_still_kept() {
        let mut k: Kept<String> = Kept::default();
        assert_eq!(
            k.keep([(1, Some("a".into())), (2, Some("b".into()))]),
            (2, 0)
        );
        assert_eq!(k.take_spares(&[1, 2]), [None, None], "not prepared yet");
        k.prepare();
        // Key 2 met twice: one spare, then none.
        assert_eq!(
            k.take_spares(&[2, 2, 3]),
            [Some("b".to_string()), None, None]
        );
        // Key 1 keeps its spare; 2 is reused without one; 3 is new.
        assert_eq!(
            k.keep([(1, None), (2, None), (3, Some("c".into()))]),
            (1, 2)
        );
        assert_eq!(k.get(2).map(String::as_str), Some("b"));
        k.prepare();
        assert_eq!(
            k.take_spares(&[1, 2, 3]),
            [Some("a".into()), Some("b".into()), Some("c".into())]
        );
        // A value made anew drops its stale spare; a key no longer kept drops both.
        k.prepare();
        assert_eq!(k.keep([(1, Some("A".into())), (3, None)]), (1, 1));
        assert_eq!(k.take_spares(&[1, 2, 3]), [None, None, Some("c".into())]);
        assert_eq!(k.get(1).map(String::as_str), Some("A"));
        assert!(k.get(2).is_none());
    }
}
