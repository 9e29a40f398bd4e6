-- Headless Neovim (0.7+) as an independent LSP client of the hvbarrier server. It opens the
-- file given on the command line, waits for diagnostics, asks for a hover on the first one and
-- for its code actions, applies the preferred fix to the buffer, waits for the re-published
-- diagnostics, and reports everything as `JSON <tag> <payload>` lines on stdout. The Node test
-- that runs it makes the assertions.
-- env: HVB_SERVER (server entry point), HVB_TIMEOUT_MS, HVB_OUT (file to write the buffer to after the fix),
--      HVB_EXPECT_CODE (wait for a diagnostic with this code, and use it for hover and actions)
local server = os.getenv('HVB_SERVER') or error('set HVB_SERVER')
local timeout = tonumber(os.getenv('HVB_TIMEOUT_MS') or '20000')
local out_file = os.getenv('HVB_OUT')
local expect_code = os.getenv('HVB_EXPECT_CODE')

local function emit(tag, value)
  io.stdout:write('JSON ', tag, ' ', vim.fn.json_encode(value), '\n')
end
local function finish(code)
  vim.cmd((code == 0) and 'qall!' or 'cquit 1')
end

vim.opt.swapfile = false
vim.opt.shadafile = 'NONE'
vim.cmd('autocmd BufRead,BufNewFile *.litmus setfiletype litmus')

local client_id
-- Counts diagnostic publications, to tell when the server has re-diagnosed an edit.
local published = 0
vim.api.nvim_create_autocmd('DiagnosticChanged', { callback = function() published = published + 1 end })
vim.api.nvim_create_autocmd('FileType', {
  pattern = { 'diff', 'gitsendemail', 'mail', 'c', 'litmus' },
  callback = function(args)
    client_id = client_id or vim.lsp.start_client({
      name = 'hvbarrier',
      cmd = { 'node', server, '--stdio' },
      root_dir = vim.fn.getcwd(),
    })
    vim.lsp.buf_attach_client(args.buf, client_id)
  end,
})

local function request(bufnr, method, params)
  local res = vim.lsp.buf_request_sync(bufnr, method, params, timeout)
  return res and res[client_id] and res[client_id].result
end

vim.api.nvim_create_autocmd('VimEnter', { callback = function() vim.schedule(function()
  local bufnr = vim.api.nvim_get_current_buf()
  emit('filetype', vim.bo[bufnr].filetype)
  if not client_id then emit('error', 'no client attached'); return finish(1) end

  local function code_of(d) return d.user_data and d.user_data.lsp and d.user_data.lsp.code end
  local function wanted()
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      if expect_code == nil or code_of(d) == expect_code then return d end
    end
  end
  if not vim.wait(timeout, function() return wanted() ~= nil end, 20) then
    emit('error', 'no diagnostics' .. (expect_code and (' with code ' .. expect_code) or '')); return finish(1)
  end
  local diags = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local lsp = d.user_data and d.user_data.lsp or {}
    table.insert(diags, { line = d.lnum, col = d.col, end_line = d.end_lnum, end_col = d.end_col, severity = d.severity,
      source = d.source, code = lsp.code, href = lsp.codeDescription and lsp.codeDescription.href, message = d.message })
  end
  emit('diagnostics', diags)

  local first = wanted()
  local hover = request(bufnr, 'textDocument/hover', {
    textDocument = vim.lsp.util.make_text_document_params(bufnr),
    position = { line = first.lnum, character = first.col },
  })
  emit('hover', hover and hover.contents or vim.NIL)

  local range = { start = { line = first.lnum, character = first.col }, ['end'] = { line = first.end_lnum, character = first.end_col } }
  local actions = request(bufnr, 'textDocument/codeAction', {
    textDocument = vim.lsp.util.make_text_document_params(bufnr),
    range = range,
    context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(bufnr, first.lnum), only = { 'quickfix' } },
  }) or {}
  local summary = {}
  for _, a in ipairs(actions) do table.insert(summary, { title = a.title, kind = a.kind, preferred = a.isPreferred == true }) end
  emit('actions', summary)

  local chosen
  for _, a in ipairs(actions) do if a.isPreferred and a.edit then chosen = a end end
  if chosen then
    local before = published
    vim.lsp.util.apply_workspace_edit(chosen.edit, 'utf-16')
    if out_file then
      local f = io.open(out_file, 'w')
      f:write(table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n'), '\n')
      f:close()
    end
    -- Wait until the server has re-published for the edited buffer.
    local republished = vim.wait(timeout, function() return published > before end, 20)
    local after = {}
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      local lsp = d.user_data and d.user_data.lsp or {}
      table.insert(after, { line = d.lnum, severity = d.severity, code = lsp.code })
    end
    emit('after_fix', { republished = republished, diagnostics = after })
  end
  vim.lsp.stop_client(client_id)
  vim.wait(2000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 20)
  finish(0)
end) end })
