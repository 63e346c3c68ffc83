-- nginx-ranges.lua: wrk script, random 64 KiB ranges of one file, as
-- iPXE's sanboot reads an image.  PXEKIT_SIZE is the file size.
local size = tonumber(os.getenv("PXEKIT_SIZE"))
local chunk = 65536
math.randomseed(os.time())
request = function()
    local start = math.random(0, math.floor((size - chunk) / chunk)) * chunk
    return wrk.format("GET", nil,
        { Range = "bytes=" .. start .. "-" .. (start + chunk - 1) })
end
