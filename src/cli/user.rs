//! `gongkai user add NAME --role …`: accounts of the review web UI. The password is asked on the
//! terminal, or read from the first line of stdin when it is not a terminal. Name and password
//! follow the web form's rules (`review::check_new_name`, `review::check_password`).

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use gongkai::review::{
    check_new_name, check_password, hash_password, LogLine, Role, PASSWORD_RULE,
};

use super::args::DbArgs;
use super::error::usage;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: UserCommand,
}

#[derive(Debug, clap::Subcommand)]
enum UserCommand {
    /// 新增账户
    Add {
        /// 用户名
        name: String,
        /// 角色：admin（管理员）、auditor（审核）、viewer（查看）
        #[arg(long, value_parser = ["admin", "auditor", "viewer"])]
        role: String,
        #[command(flatten)]
        db: DbArgs,
    },
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let UserCommand::Add { name, role, db } = args.command;
    let role = Role::parse(&role).expect("clap checked the role");
    // The name first: a refused name needs no password typed.
    let store = db.open().await?;
    let existing = store.users().await?;
    let name = match check_new_name(&name, existing.iter().map(|u| u.name.as_str())) {
        Ok(name) => name,
        Err(e) => return usage(e.to_string()),
    };
    let password = read_password()?;
    if let Err(e) = check_password(&name, &password) {
        return usage(e.to_string());
    }
    store
        .add_user(&name, role, &hash_password(&password))
        .await?;
    store
        .append_log(&LogLine {
            portal: "",
            actor: "命令行",
            action: "user-add",
            unit: "（账户）",
            subject: format!("user:{name}"),
            finding_id: None,
            before: "无".into(),
            after: role.label().into(),
            note: "",
        })
        .await?;
    eprintln!("已新增账户 {name}（{}）", role.label());
    Ok(ExitCode::SUCCESS)
}

fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        eprintln!("{PASSWORD_RULE}");
        let p = rpassword::prompt_password("密码：")?;
        let again = rpassword::prompt_password("再次输入密码：")?;
        anyhow::ensure!(p == again, "两次输入的密码不一致");
        Ok(p)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    }
}
