// The book theme's search buttons read "Search Ctrl + K" but are named "Search": a name that leaves out the
// visible text fails WCAG 2.5.3 (label in name). Their visible text is a good name, so let it be the name.
for (const button of document.querySelectorAll(".search-button__button[aria-label]")) {
  button.removeAttribute("aria-label");
}
