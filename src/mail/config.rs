//! SMTP settings: a `[mail]` section in a TOML file, each field overridable by an environment
//! variable `GONGKAI_SMTP_<FIELD>`. The password is a [`SecretString`]: never in Debug output
//! or logs.

use std::path::Path;

use secrecy::SecretString;
use serde::Deserialize;

use super::MailError;

/// Prefix of the environment variables (`GONGKAI_SMTP_HOST`, `…_PORT`, `…_TLS`, `…_USER`,
/// `…_PASSWORD`, `…_FROM`).
pub const ENV_PREFIX: &str = "GONGKAI_SMTP_";

/// How the connection to the SMTP server is secured.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    /// Plain text (a relay on the same host or a test server).
    None,
    /// Plain connection upgraded with STARTTLS (port 587).
    #[default]
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
}

impl TlsMode {
    fn parse(s: &str) -> Option<TlsMode> {
        match s.trim().to_ascii_lowercase().as_str() {
            "none" | "plain" => Some(TlsMode::None),
            "starttls" => Some(TlsMode::Starttls),
            "tls" | "ssl" => Some(TlsMode::Tls),
            _ => None,
        }
    }

    /// The usual port of the mode.
    pub fn default_port(self) -> u16 {
        match self {
            TlsMode::None => 25,
            TlsMode::Starttls => 587,
            TlsMode::Tls => 465,
        }
    }
}

/// Where and as whom reports are sent.
#[derive(Debug, Clone)]
pub struct MailConfig {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    pub user: Option<String>,
    pub password: Option<SecretString>,
    /// The From mailbox, e.g. `县政务公开办 <gongkai@example.gov.cn>`.
    pub from: String,
    pub timeout_secs: u64,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    mail: Raw,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    host: Option<String>,
    port: Option<u16>,
    tls: Option<TlsMode>,
    user: Option<String>,
    password: Option<String>,
    from: Option<String>,
    timeout_secs: Option<u64>,
}

impl std::fmt::Debug for Raw {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Raw")
            .field("host", &self.host)
            .finish_non_exhaustive()
    }
}

impl MailConfig {
    /// Reads `path` (when given) and the process environment; `None` when no host is set.
    pub fn load(path: Option<&Path>) -> Result<Option<MailConfig>, MailError> {
        Self::load_with(path, |k| std::env::var(k).ok())
    }

    /// [`MailConfig::load`] with the environment given as a function (for tests).
    pub fn load_with(
        path: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<MailConfig>, MailError> {
        let bad = |path: &Path, message: String| MailError::Config {
            path: path.to_path_buf(),
            message,
        };
        let mut raw = match path {
            Some(p) => {
                let text = std::fs::read_to_string(p).map_err(|e| bad(p, e.to_string()))?;
                toml::from_str::<File>(&text)
                    .map_err(|e| bad(p, e.message().to_string()))?
                    .mail
            }
            None => Raw::default(),
        };
        let var = |name: &str| env(&format!("{ENV_PREFIX}{name}")).filter(|v| !v.is_empty());
        let env_path = Path::new("GONGKAI_SMTP_*");
        if let Some(v) = var("HOST") {
            raw.host = Some(v);
        }
        if let Some(v) = var("PORT") {
            raw.port = Some(
                v.parse()
                    .map_err(|_| bad(env_path, format!("端口 “{v}” 无效")))?,
            );
        }
        if let Some(v) = var("TLS") {
            raw.tls = Some(TlsMode::parse(&v).ok_or_else(|| {
                bad(
                    env_path,
                    format!("加密方式 “{v}” 无效（应为 none、starttls 或 tls）"),
                )
            })?);
        }
        if let Some(v) = var("USER") {
            raw.user = Some(v);
        }
        if let Some(v) = var("PASSWORD") {
            raw.password = Some(v);
        }
        if let Some(v) = var("FROM") {
            raw.from = Some(v);
        }
        let Some(host) = raw.host else {
            return Ok(None);
        };
        let tls = raw.tls.unwrap_or_default();
        let from = raw
            .from
            .or_else(|| raw.user.clone().filter(|u| u.contains('@')))
            .ok_or_else(|| bad(path.unwrap_or(env_path), "缺少发件人地址 from".to_string()))?;
        Ok(Some(MailConfig {
            host,
            port: raw.port.unwrap_or(tls.default_port()),
            tls,
            user: raw.user,
            password: raw.password.map(SecretString::from),
            from,
            timeout_secs: raw.timeout_secs.unwrap_or(30),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_overrides_and_password_is_hidden() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mail.toml");
        std::fs::write(
            &path,
            "[mail]\nhost = \"smtp.example.cn\"\ntls = \"tls\"\nuser = \"u\"\npassword = \"file-secret\"\nfrom = \"办公室 <a@example.cn>\"\n",
        )
        .unwrap();
        let env = |k: &str| match k {
            "GONGKAI_SMTP_PASSWORD" => Some("env-secret-123".to_string()),
            "GONGKAI_SMTP_PORT" => Some("2465".to_string()),
            _ => None,
        };
        let c = MailConfig::load_with(Some(&path), env).unwrap().unwrap();
        assert_eq!(c.host, "smtp.example.cn");
        assert_eq!(c.port, 2465);
        assert_eq!(c.tls, TlsMode::Tls);
        let debug = format!("{c:?}");
        assert!(!debug.contains("env-secret-123"), "{debug}");
        assert!(!debug.contains("file-secret"), "{debug}");
        use secrecy::ExposeSecret;
        assert_eq!(c.password.unwrap().expose_secret(), "env-secret-123");
    }

    #[test]
    fn no_host_means_no_config() {
        assert!(MailConfig::load_with(None, |_| None).unwrap().is_none());
    }
}
