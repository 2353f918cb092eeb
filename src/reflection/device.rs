//! What a category page keeps on the device (browser only): the answers not known to be stored,
//! so that a dropped connection, a reload or a closed tab loses none of them. They are kept in
//! the browser's local storage under the reflection's private token, and removed as soon as the
//! server has them all.
use wasm_bindgen::JsCast;

fn key(token: &str) -> String {
    format!("reflect-pending-{token}")
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The answers kept for reflection `token`, in the order they are to be sent.
pub fn load(token: &str) -> Vec<(String, String)> {
    storage()
        .and_then(|s| s.get_item(&key(token)).ok().flatten())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

/// Keeps `pending` for reflection `token` (nothing kept when it is empty).
pub fn keep(token: &str, pending: &[(String, String)]) {
    let Some(storage) = storage() else { return };
    if pending.is_empty() {
        let _ = storage.remove_item(&key(token));
    } else if let Ok(text) = serde_json::to_string(pending) {
        let _ = storage.set_item(&key(token), &text);
    }
}

/// Shows answer `value` to item `item` in `form`, as the respondent gave it (the radio button
/// with that value ticked, the field filled, the checkboxes of a multiple choice ticked); `false`
/// when the form has no field for the item (a statement of another page).
pub fn show(form: &web_sys::HtmlFormElement, item: &str, value: &str) -> bool {
    let Ok(list) = form.query_selector_all("input, textarea") else {
        return false;
    };
    let single = format!("answers[{item}]");
    let multi = format!("multi[{item}][");
    let chosen: Vec<&str> = value.split(',').collect();
    let mut found = false;
    for i in 0..list.length() {
        let Some(node) = list.item(i) else { continue };
        if let Some(input) = node.dyn_ref::<web_sys::HtmlInputElement>() {
            let name = input.name();
            let kind = input.type_();
            if name == single {
                found = true;
                if kind == "radio" {
                    input.set_checked(input.value() == value);
                } else {
                    input.set_value(value);
                }
            } else if let Some(option) = name.strip_prefix(&multi).and_then(|r| r.strip_suffix(']'))
            {
                found = true;
                input.set_checked(chosen.contains(&option));
            }
        } else if let Some(area) = node.dyn_ref::<web_sys::HtmlTextAreaElement>()
            && area.name() == single
        {
            found = true;
            area.set_value(value);
        }
    }
    found
}
