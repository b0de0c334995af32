// Sends the deep-linking response to the LMS at once; without JavaScript the button does.
document.querySelectorAll("form[data-autosubmit]").forEach((form) => form.submit());
