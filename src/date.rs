//! Dates, shared by load (the manifest's `date`) and the writers (the EPUB's and
//! the PDF's dates): proleptic Gregorian calendar, UTC, with Howard Hinnant's
//! algorithms. No clock is ever read here.

/// `YYYY-MM-DD` (or a full RFC 3339 date-time) as seconds since the epoch, UTC.
pub fn parse_date(s: &str) -> Option<i64> {
    let s = s.trim();
    let date = s.get(..10)?;
    let mut it = date.split('-');
    let (y, m, d): (i64, u32, u32) = (
        it.next()?.parse().ok()?,
        it.next()?.parse().ok()?,
        it.next()?.parse().ok()?,
    );
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let days = days_from_civil(y, m, d);
    Some(days * 86_400)
}

/// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A UTC date and time from Unix seconds, clamped to the years 0000–9999 that both PDF
/// and XMP dates can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CivilTime {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
}

impl CivilTime {
    pub fn from_epoch(seconds: i64) -> CivilTime {
        // 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
        let seconds = seconds.clamp(-62_167_219_200, 253_402_300_799);
        let (days, secs) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
        // Howard Hinnant's civil_from_days: days since 1970-01-01 to a proleptic
        // Gregorian date, counting eras of 400 years from 0000-03-01.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        CivilTime {
            year,
            month,
            day,
            hour: (secs / 3600) as u32,
            minute: (secs % 3600 / 60) as u32,
            second: (secs % 60) as u32,
        }
    }

    /// `D:YYYYMMDDHHmmSSZ` (ISO 32000-1, 7.9.4).
    pub fn pdf(&self) -> String {
        format!(
            "D:{:04}{:02}{:02}{:02}{:02}{:02}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` (XMP, ISO 8601).
    pub fn xmp(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_convert_to_epoch_seconds() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2026-11-24"), Some(1_795_478_400));
        assert_eq!(parse_date("2026-13-01"), None);
    }

    #[test]
    fn epoch_seconds_become_utc_dates() {
        assert_eq!(CivilTime::from_epoch(0).pdf(), "D:19700101000000Z");
        assert_eq!(
            CivilTime::from_epoch(1_709_210_096).pdf(),
            "D:20240229123456Z"
        );
        assert_eq!(CivilTime::from_epoch(-1).xmp(), "1969-12-31T23:59:59Z");
        assert_eq!(
            CivilTime::from_epoch(-2_203_848_000).xmp(),
            "1900-03-01T12:00:00Z"
        );
        assert_eq!(CivilTime::from_epoch(i64::MAX).pdf(), "D:99991231235959Z");
        assert_eq!(CivilTime::from_epoch(i64::MIN).pdf(), "D:00000101000000Z");
    }
}
