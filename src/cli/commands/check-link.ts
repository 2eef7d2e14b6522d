import { analyseLink, parseError } from '../../core/meetings/analyse.ts';
import { formatAnalysis, formatParseError } from '../../core/meetings/format.ts';
import { escapeControls } from '../../core/printable.ts';
import { parseCommandArgs } from '../args.ts';
import { EXIT_OK, EXIT_PROBLEM, UsageError, type Command } from '../io.ts';
import { loadPolicyOption } from '../policy-option.ts';

export const CHECK_LINK_HELP = `Usage: telehealth-guard check-link <url>… [--policy <file>] [--json]

Analyses meeting links (Zoom, Teams, Webex, Meet, Jitsi, Doxy.me, VSee, Whereby, GoTo
Meeting, RingCentral and consumer services): platform, meeting id, personal room, passcode,
waiting room, tenant, whether the policy sanctions it, findings and the verdict (ok, warn,
block). Wrapped links (Outlook Safe Links, Google redirects, the Teams launcher, Proofpoint,
Barracuda, Trend Micro, Sophos) are unwrapped; a Mimecast link, whose destination is not in
the link, gives platform null and a wrapped-unresolved finding.
Without --policy the built-in default policy is used.
--json prints one object per URL per line:
  {"url","platform","consumer","meetingId","personalRoom","passcode","waitingRoom",
   "tenant","sanctioned","findings":[{"code","severity","message"}],"verdict"}
A URL that does not parse prints {"url","error"} and the command exits 1 after the rest.`;

export const checkLinkCommand: Command = async (args, io) => {
  const { positionals, values } = parseCommandArgs(args, {
    policy: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.out(CHECK_LINK_HELP);
    return EXIT_OK;
  }
  if (positionals.length === 0) throw new UsageError('check-link needs at least one URL');
  const policy = await loadPolicyOption(io, values.policy);
  if (!policy) return EXIT_PROBLEM;
  let exit = EXIT_OK;
  for (const url of positionals) {
    const error = parseError(url);
    if (error !== null) {
      exit = EXIT_PROBLEM;
      if (values.json) io.out(JSON.stringify({ url, error }));
      else io.err(formatParseError(escapeControls(url), error));
      continue;
    }
    const result = analyseLink(url, policy);
    if (values.json) io.out(JSON.stringify({ url, ...result }));
    else for (const line of formatAnalysis(result, escapeControls(url))) io.out(line);
  }
  return exit;
};
