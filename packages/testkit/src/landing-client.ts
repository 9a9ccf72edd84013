/** Loads a re-auth link's landing page as a browser does and answers the form key its button posts. */
export async function readFormKey(linkUrl: string): Promise<string> {
  const page = await fetch(linkUrl);
  return /name="k" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
}

/**
 * What a browser without JavaScript does with a re-auth link: load the landing page, then press
 * its button (a form POST carrying the page's form key). Answers the POST, unfollowed.
 */
export async function pressButton(linkUrl: string, choice?: string): Promise<Response> {
  const key = await readFormKey(linkUrl);
  return fetch(linkUrl, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ k: key, ...(choice !== undefined ? { choice } : {}) }),
  });
}
