//! The tray icon that keeps scheduled imports going while the window is closed. With a scheduled connector
//! saved, closing the window hides it to the tray instead of quitting; the tray's menu opens the window
//! again or quits Docket (which stops the scheduler; the next start catches up on due runs). Its words follow
//! the UI's language: the UI calls `set_tray_language` at start and whenever the admin switches.

use tauri::menu::{Menu, MenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIcon, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager, Runtime, Window, WindowEvent};

use crate::ipc_error::IpcError;
use crate::state_folder::StateFolderExt;

const OPEN: &str = "open";
const QUIT: &str = "quit";

/// The tray's words in one of the UI's languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrayLabels {
    pub open: &'static str,
    pub quit: &'static str,
    pub tooltip: &'static str,
}

const ENGLISH: TrayLabels = TrayLabels {
    open: "Open Docket",
    quit: "Quit Docket (stops scheduled imports)",
    tooltip: "Docket: scheduled imports keep running while the window is closed",
};

/// The tray's words for a language as the UI names it (`en`, `fr`, `nl`; ui/src/i18n); English otherwise.
pub fn labels(language: &str) -> TrayLabels {
    match language {
        "fr" => TrayLabels {
            open: "Ouvrir Docket",
            quit: "Quitter Docket (arrête les importations planifiées)",
            tooltip: "Docket\u{a0}: les importations planifiées continuent lorsque la fenêtre est fermée",
        },
        "nl" => TrayLabels {
            open: "Docket openen",
            quit: "Docket afsluiten (stopt geplande imports)",
            tooltip: "Docket: geplande imports lopen door terwijl het venster gesloten is",
        },
        _ => ENGLISH,
    }
}

/// The tray's menu items and icon, kept so their words can change with the UI's language.
struct TrayMenu<R: Runtime> {
    open: MenuItem<R>,
    quit: MenuItem<R>,
    icon: TrayIcon<R>,
}

/// Puts the tray's menu and tooltip in the UI's language. Without a tray (the tests' mock runtime, or a
/// desktop that has none) there is nothing to relabel, and that is not an error.
#[tauri::command]
pub fn set_tray_language<R: Runtime>(app: AppHandle<R>, language: String) -> Result<(), IpcError> {
    let Some(tray) = app.try_state::<TrayMenu<R>>() else {
        return Ok(());
    };
    let words = labels(&language);
    tray.open
        .set_text(words.open)
        .and_then(|()| tray.quit.set_text(words.quit))
        .and_then(|()| tray.icon.set_tooltip(Some(words.tooltip)))
        .map_err(|e| {
            IpcError::from(docket_core::Error::Internal(format!(
                "the tray menu could not be relabelled: {e}"
            )))
        })
}

/// Adds the tray icon and its menu, in English until the UI says which language it shows.
pub fn install<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let open = MenuItem::with_id(app, OPEN, ENGLISH.open, true, None::<&str>)?;
    let quit = MenuItem::with_id(app, QUIT, ENGLISH.quit, true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&open, &quit])?;
    let mut tray = TrayIconBuilder::with_id("docket")
        .tooltip(ENGLISH.tooltip)
        .menu(&menu)
        .on_menu_event(|app, event| match event.id().as_ref() {
            OPEN => show_main(app),
            QUIT => app.exit(0),
            _ => {}
        })
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                show_main(tray.app_handle());
            }
        });
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    let icon = tray.build(app)?;
    app.manage(TrayMenu { open, quit, icon });
    app.manage(TrayReady);
    Ok(())
}

/// Managed once the tray icon exists: without it, a hidden window could not be opened again.
struct TrayReady;

/// Closing the window hides it when a scheduled connector is saved, so the scheduler keeps running.
pub fn on_window_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    if let WindowEvent::CloseRequested { api, .. } = event {
        let app = window.app_handle();
        if app.try_state::<TrayReady>().is_some() && has_scheduled_connector(app) {
            api.prevent_close();
            if let Err(e) = window.hide() {
                tracing::warn!("could not hide the window to the tray: {e}");
            } else {
                tracing::info!("window hidden to the tray; scheduled imports keep running");
            }
        }
    }
}

fn has_scheduled_connector<R: Runtime>(app: &AppHandle<R>) -> bool {
    match app.state_folder().connectors().list() {
        Ok(list) => list.iter().any(|c| c.settings.schedule != docket_core::connector::Schedule::Manual),
        Err(_) => false,
    }
}

fn show_main<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.show();
        let _ = window.unminimize();
        let _ = window.set_focus();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_ui_language_has_its_own_tray_words() {
        let all = [labels("en"), labels("fr"), labels("nl")];
        for words in all {
            assert!(!words.open.is_empty() && !words.quit.is_empty() && !words.tooltip.is_empty());
            assert!(words.open.contains("Docket") && words.quit.contains("Docket"));
        }
        assert_eq!(labels("fr").open, "Ouvrir Docket");
        assert_eq!(labels("nl").open, "Docket openen");
        assert_ne!(labels("fr"), labels("nl"));
        assert_ne!(labels("fr"), labels("en"));
    }

    #[test]
    fn a_language_the_tray_does_not_know_gets_english() {
        assert_eq!(labels("de"), labels("en"));
        assert_eq!(labels(""), ENGLISH);
    }
}
