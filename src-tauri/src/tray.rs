//! The tray icon that keeps scheduled imports going while the window is closed. With a scheduled connector
//! saved, closing the window hides it to the tray instead of quitting; the tray's menu opens the window
//! again or quits Docket (which stops the scheduler; the next start catches up on due runs).

use tauri::menu::{Menu, MenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager, Runtime, Window, WindowEvent};

use crate::state_folder::StateFolderExt;

const OPEN: &str = "open";
const QUIT: &str = "quit";

/// Adds the tray icon and its menu.
pub fn install<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let open = MenuItem::with_id(app, OPEN, "Open Docket", true, None::<&str>)?;
    let quit = MenuItem::with_id(app, QUIT, "Quit Docket (stops scheduled imports)", true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&open, &quit])?;
    let mut tray = TrayIconBuilder::with_id("docket")
        .tooltip("Docket: scheduled imports keep running while the window is closed")
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
    tray.build(app)?;
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
