//! Accounts' rules: argon2id password hashes, random tokens for sessions and forms, what a user
//! name and a password must be (the web form and `gongkai user add` apply the same rules), and
//! the login throttle's policy.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use unicode_normalization::UnicodeNormalization;

/// Longest user name, in characters (after NFKC).
pub const MAX_NAME_CHARS: usize = 32;
/// Shortest password, in characters.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Longest password, in characters (argon2 hashes whatever it is given; keep it bounded).
pub const MAX_PASSWORD_CHARS: usize = 256;
/// The password rule as the pages and the command line say it.
pub const PASSWORD_RULE: &str = "密码至少 10 个字符，不能与用户名相同或包含用户名，\
    且须含以下四类中的至少两类：小写字母、大写字母、数字、其他字符（符号、空格、汉字等）。";

/// `n` random bytes from the OS, hex encoded.
pub fn random_token(n: usize) -> String {
    let mut buf = vec![0u8; n];
    getrandom::fill(&mut buf).expect("the OS random source works");
    hex::encode(buf)
}

/// An argon2id PHC string for the password.
pub fn hash_password(password: &str) -> String {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).expect("the OS random source works");
    let salt = SaltString::encode_b64(&salt).expect("16 bytes is a valid salt");
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with default parameters")
        .to_string()
}

/// Whether the password matches the stored hash (false for a malformed hash).
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// Why a user name is refused; the message is what the user reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("请填写用户名。")]
    Empty,
    #[error("用户名最长 {MAX_NAME_CHARS} 个字符（现有 {0} 个）。")]
    TooLong(usize),
    #[error("用户名不能含控制字符、换行或不可见字符（零宽字符、文字方向控制符等）。")]
    Invisible,
    #[error("用户名“{0}”已被使用。")]
    Taken(String),
    #[error(
        "用户名与已有账户“{0}”看起来相同（形近字符、全角字母或大小写不同），容易混淆，请换一个。"
    )]
    Confusable(String),
}

/// The user name as stored: NFKC (full-width letters become ASCII), trimmed, bounded, and free
/// of control and invisible characters. Login reads the typed name through this too.
pub fn normalize_name(raw: &str) -> Result<String, NameError> {
    let name: String = raw.nfkc().collect();
    let name = name.trim();
    if name.is_empty() {
        return Err(NameError::Empty);
    }
    if name.chars().any(crate::util::is_invisible) {
        return Err(NameError::Invisible);
    }
    let n = name.chars().count();
    if n > MAX_NAME_CHARS {
        return Err(NameError::TooLong(n));
    }
    Ok(name.to_string())
}

/// Whether two names are easily taken for each other: the same UTS #39 skeleton as written
/// (Cyrillic а and Latin a, `rn` and `m`, `I` and `l`) or in lower case (`Admin` and `admin`).
pub fn names_confusable(a: &str, b: &str) -> bool {
    let skeleton = |s: &str| unicode_security::skeleton(s).collect::<String>();
    skeleton(a) == skeleton(b) || skeleton(&a.to_lowercase()) == skeleton(&b.to_lowercase())
}

/// A new account's name: normalised and checked, then compared with the existing names.
pub fn check_new_name<'a>(
    raw: &str,
    existing: impl IntoIterator<Item = &'a str>,
) -> Result<String, NameError> {
    let name = normalize_name(raw)?;
    for other in existing {
        if other == name {
            return Err(NameError::Taken(other.to_string()));
        }
        if names_confusable(&name, other) {
            return Err(NameError::Confusable(other.to_string()));
        }
    }
    Ok(name)
}

/// Why a new password is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("密码太短。{PASSWORD_RULE}")]
    TooShort,
    #[error("密码最长 {MAX_PASSWORD_CHARS} 个字符。")]
    TooLong,
    #[error("密码与用户名相同或包含用户名。{PASSWORD_RULE}")]
    HasName,
    #[error("密码太单一。{PASSWORD_RULE}")]
    OneClass,
    #[error("两次输入的新密码不一致。")]
    Mismatch,
}

/// Whether `password` may be `name`'s password.
pub fn check_password(name: &str, password: &str) -> Result<(), PasswordError> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort);
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(PasswordError::TooLong);
    }
    let lower = password.to_lowercase();
    let name = name.to_lowercase();
    if lower == name || (name.chars().count() >= 3 && lower.contains(&name)) {
        return Err(PasswordError::HasName);
    }
    let classes = [
        password.chars().any(|c| c.is_lowercase()),
        password.chars().any(|c| c.is_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password
            .chars()
            .any(|c| !c.is_lowercase() && !c.is_uppercase() && !c.is_ascii_digit()),
    ];
    if classes.iter().filter(|&&b| b).count() < 2 {
        return Err(PasswordError::OneClass);
    }
    Ok(())
}

/// How failed logins under one key (an account name, a client address) slow down and then lock
/// further attempts. Failures older than `lock_secs` are forgotten; a success clears the account's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginPolicy {
    /// Failures that lock the key.
    pub lock_after: i64,
    /// How long a lock lasts, in seconds (also how long a failure is remembered).
    pub lock_secs: i64,
    /// The longest wait between two attempts before the lock, in seconds.
    pub max_delay_secs: i64,
}

/// What a login attempt under one key may do now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Open,
    /// Too soon after the last failure: try again in so many seconds.
    Wait(i64),
    /// Locked for so many more seconds.
    Locked(i64),
}

impl LoginPolicy {
    /// Per account name (known or not, so that a lock reveals nothing): 5 failures, 15 minutes.
    pub const ACCOUNT: LoginPolicy = LoginPolicy {
        lock_after: 5,
        lock_secs: 15 * 60,
        max_delay_secs: 30,
    };
    /// Per client address: more room, since an office may share one address.
    pub const ADDRESS: LoginPolicy = LoginPolicy {
        lock_after: 20,
        lock_secs: 15 * 60,
        max_delay_secs: 30,
    };

    /// After `failures` failures, the last at `last_failure` (unix seconds), at `now`.
    pub fn verdict(&self, failures: i64, last_failure: i64, now: i64) -> Verdict {
        let since = now - last_failure;
        if failures <= 0 || since >= self.lock_secs {
            return Verdict::Open;
        }
        if failures >= self.lock_after {
            return Verdict::Locked(self.lock_secs - since);
        }
        let delay = self.delay_secs(failures);
        if since < delay {
            Verdict::Wait(delay - since)
        } else {
            Verdict::Open
        }
    }

    /// The wait after `failures` failures: 1, 2, 4, 8 … seconds, at most `max_delay_secs`.
    pub fn delay_secs(&self, failures: i64) -> i64 {
        let exp = (failures - 1).clamp(0, 20) as u32;
        (1i64 << exp).min(self.max_delay_secs)
    }

    /// Failures before this time (unix seconds) are forgotten when the next one is counted.
    pub fn forget_before(&self, now: i64) -> i64 {
        now - self.lock_secs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify() {
        let h = hash_password("秘密 secret");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("秘密 secret", &h));
        assert!(!verify_password("secret", &h));
        assert!(!verify_password("x", "not a hash"));
        assert_eq!(random_token(16).len(), 32);
    }

    #[test]
    fn names_are_nfkc_trimmed_and_visible() {
        assert_eq!(normalize_name("  审核员甲 ").unwrap(), "审核员甲");
        // Full-width letters and digits become ASCII.
        assert_eq!(normalize_name("ａｄｍｉｎ１").unwrap(), "admin1");
        assert_eq!(normalize_name("Zhang San").unwrap(), "Zhang San");
        assert_eq!(
            normalize_name("阿依古丽·买买提").unwrap(),
            "阿依古丽·买买提"
        );
        assert_eq!(normalize_name("   "), Err(NameError::Empty));
        for bad in [
            "ad\u{200B}min",      // zero-width space
            "ad\u{200D}min",      // zero-width joiner
            "admin\u{202E}nimda", // right-to-left override
            "ad\u{2066}min",      // left-to-right isolate
            "ad\u{FEFF}min",      // BOM
            "ad\u{AD}min",        // soft hyphen
            "ad\nmin",
            "ad\u{1b}[31mmin",
            "ad\u{2028}min",
            "ad\tmin",
        ] {
            assert_eq!(normalize_name(bad), Err(NameError::Invisible), "{bad:?}");
        }
        assert_eq!(
            normalize_name(&"名".repeat(32)).unwrap().chars().count(),
            32
        );
        assert_eq!(
            normalize_name(&"名".repeat(33)),
            Err(NameError::TooLong(33))
        );
    }

    #[test]
    fn confusable_names_are_refused() {
        let existing = ["admin", "审核员甲", "Illinois"];
        let check = |n: &str| check_new_name(n, existing.iter().copied());
        assert_eq!(check("admin"), Err(NameError::Taken("admin".into())));
        // Cyrillic а (U+0430) for Latin a.
        assert_eq!(
            check("\u{430}dmin"),
            Err(NameError::Confusable("admin".into()))
        );
        // Full-width letters normalise to the same name.
        assert_eq!(check("ａｄｍｉｎ"), Err(NameError::Taken("admin".into())));
        assert_eq!(check("Admin"), Err(NameError::Confusable("admin".into())));
        assert_eq!(
            check("ＡＤＭＩＮ"),
            Err(NameError::Confusable("admin".into()))
        );
        assert_eq!(check("adrnin"), Err(NameError::Confusable("admin".into())));
        assert_eq!(
            check("lllinois"),
            Err(NameError::Confusable("Illinois".into()))
        );
        assert_eq!(check("审核员乙").unwrap(), "审核员乙");
        assert_eq!(check("auditor").unwrap(), "auditor");
    }

    #[test]
    fn password_rules() {
        assert_eq!(check_password("amy", "correct horse 1"), Ok(()));
        assert_eq!(check_password("审核员甲", "审核工作2020年度"), Ok(()));
        assert_eq!(
            check_password("amy", "Short1!"),
            Err(PasswordError::TooShort)
        );
        assert_eq!(
            check_password("amy", "abcdefghijkl"),
            Err(PasswordError::OneClass)
        );
        assert_eq!(
            check_password("amy", "1234567890"),
            Err(PasswordError::OneClass)
        );
        assert_eq!(
            check_password("amy", "密码密码密码密码密码"),
            Err(PasswordError::OneClass)
        );
        assert_eq!(
            check_password("administrator", "Administrator"),
            Err(PasswordError::HasName)
        );
        assert_eq!(
            check_password("amy", "my name is AMY"),
            Err(PasswordError::HasName)
        );
        assert_eq!(
            check_password("amy", &"aB".repeat(129)),
            Err(PasswordError::TooLong)
        );
        assert!(PasswordError::TooShort
            .to_string()
            .contains("至少 10 个字符"));
    }

    #[test]
    fn failures_slow_down_then_lock_then_are_forgotten() {
        let p = LoginPolicy::ACCOUNT;
        let t = 1_000_000;
        assert_eq!(p.verdict(0, 0, t), Verdict::Open);
        assert_eq!(p.verdict(1, t, t), Verdict::Wait(1));
        assert_eq!(p.verdict(1, t, t + 1), Verdict::Open);
        assert_eq!(p.verdict(3, t, t + 1), Verdict::Wait(3));
        assert_eq!(p.verdict(4, t, t + 8), Verdict::Open);
        assert_eq!(p.verdict(5, t, t + 8), Verdict::Locked(15 * 60 - 8));
        assert_eq!(p.verdict(5, t, t + 15 * 60 - 1), Verdict::Locked(1));
        assert_eq!(p.verdict(5, t, t + 15 * 60), Verdict::Open);
        assert_eq!(p.delay_secs(10), 30);
        assert_eq!(LoginPolicy::ADDRESS.verdict(5, t, t + 16), Verdict::Open);
        assert_eq!(p.forget_before(t), t - 900);
    }
}
